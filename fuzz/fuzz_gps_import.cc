// `tilsyn import gps` of CSV (mapped columns, several time formats) and GeoJSON: any file is
// imported or refused without a crash; the first byte picks the format and the time format.
#include "coverage/import/gps_import.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tilsyn;
  if (size < 1) return 0;
  static const char* kTimeFormats[] = {"iso8601", "epoch_s", "epoch_ms", "%d-%b-%Y %H:%M:%S"};
  coverage::GpsImportOptions o;
  o.vehicle = "fuzz";
  o.format = (data[0] & 1) ? coverage::GpsFormat::kGeoJson : coverage::GpsFormat::kCsv;
  o.csv = coverage::ParseCsvMapping("vehicle=vehicle,time=time,lat=lat,lon=lon").value();
  o.csv.time_format = kTimeFormats[(data[0] >> 1) % 4];
  coverage::GpsImportResult out;
  (void)coverage::ImportGpsText(fuzz::Text(data + 1, size - 1), "fuzz", o, &out);
  for (const auto& [vehicle, fixes] : out.by_vehicle) {
    for (const geo::GpsFix& f : fixes) {
      fuzz::RequireOnGlobe(f.pos.lat, f.pos.lon, "an imported fix lies on the globe");
    }
  }
  return 0;
}
