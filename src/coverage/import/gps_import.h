// GPS history import: parses GPX, NMEA 0183 logs, CSV (columns mapped by name, any delimiter,
// several time formats) and GeoJSON (Point features with time/vehicle properties, or LineStrings
// with a times array) into per-vehicle fix lists. A bad record never aborts an import: it is
// counted and reported with file and line (GeoJSON: the feature index, line 0). Only an unreadable
// file or an unusable mapping (e.g. a CSV column that does not exist) is an error.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "geo/gps/gps_fix.h"

namespace tilsyn::coverage {

enum class GpsFormat { kAuto, kGpx, kNmea, kCsv, kGeoJson };
// "auto", "gpx", "nmea", "csv", "geojson".
Result<GpsFormat> ParseGpsFormat(std::string_view s);
// Guesses from the file extension, then from the first bytes.
GpsFormat DetectGpsFormat(std::string_view path, std::string_view text);

struct CsvMapping {
  // Column names (header) or 1-based indexes ("3"). vehicle may be empty (then the default).
  // time may join several columns with '+' ("Date (UTC)+Time (UTC)"), separated by a space.
  std::string vehicle, time, lat, lon;
  // Time format: "iso8601" (also "YYYY-MM-DD HH:MM:SS[+HH]" with a space), "epoch_s",
  // "epoch_ms", or a strftime-style pattern for date::parse (e.g. "%d-%b-%Y %H:%M:%S"), UTC
  // unless the pattern has %z.
  std::string time_format = "iso8601";
  char delimiter = 0;  // 0: detect from the header (',', ';' or tab)
};
// Parses "vehicle=vehicle_id,time=timestamp_iso8601,lat=lat,lon=lon"; time, lat and lon are
// required. InvalidArgument naming "csv-columns" otherwise.
Result<CsvMapping> ParseCsvMapping(std::string_view spec);

struct GpsImportOptions {
  GpsFormat format = GpsFormat::kAuto;
  std::string vehicle;  // default vehicle (a CSV/GeoJSON vehicle field overrides it)
  CsvMapping csv;       // used for CSV (required: time, lat, lon)
  // GeoJSON property names.
  std::string geojson_time = "time", geojson_vehicle = "vehicle";
};

struct BadRecord {
  std::string file;
  int64_t line = 0;  // 1-based; 0 when the format has no lines (GeoJSON: see reason)
  std::string reason;
};

struct GpsImportResult {
  std::map<std::string, std::vector<geo::GpsFix>> by_vehicle;
  int64_t records = 0;  // records seen (good + bad)
  int64_t good = 0;
  int64_t bad = 0;
  std::vector<BadRecord> bad_records;  // the first kMaxListed
  static constexpr size_t kMaxListed = 1000;
  void AddBad(const std::string& file, int64_t line, std::string reason);
};

// Parses `text` (the content of `file`) and adds its fixes to `out`.
Status ImportGpsText(std::string_view text, const std::string& file,
                     const GpsImportOptions& options, GpsImportResult* out);
// Reads and imports one file.
Status ImportGpsFile(const std::string& path, const GpsImportOptions& options,
                     GpsImportResult* out);

// Parses a time in the given CsvMapping::time_format.
Result<TimeMs> ParseTimeWithFormat(std::string_view s, std::string_view format);

}  // namespace tilsyn::coverage
