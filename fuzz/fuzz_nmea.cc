// NMEA 0183 from a GPS receiver (or a replay file): any bytes are parsed without a crash, and
// every fix emitted has a valid position.
#include "fuzz/fuzz_util.h"
#include "geo/gps/nmea.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tilsyn;
  geo::NmeaStats stats;
  for (const geo::GpsFix& f : geo::ParseNmea(fuzz::Text(data, size), &stats)) {
    fuzz::RequireOnGlobe(f.pos.lat, f.pos.lon, "an NMEA fix lies on the globe");
  }
  return 0;
}
