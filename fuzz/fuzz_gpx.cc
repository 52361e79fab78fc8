// GPX tracks (replay files, imported history): any bytes are parsed without a crash, and every
// fix has a valid position.
#include "fuzz/fuzz_util.h"
#include "geo/gps/gpx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tilsyn;
  geo::GpxStats stats;
  for (const geo::GpsFix& f : geo::ParseGpx(fuzz::Text(data, size), &stats)) {
    fuzz::RequireOnGlobe(f.pos.lat, f.pos.lon, "a GPX fix lies on the globe");
  }
  return 0;
}
