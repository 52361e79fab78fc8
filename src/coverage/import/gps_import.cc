#include "coverage/import/gps_import.h"

#include <date/date.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <sstream>

#include "core/file_util.h"
#include "core/json_util.h"
#include "core/time_format.h"
#include "geo/gps/gpx.h"
#include "geo/gps/nmea.h"

namespace tilsyn::coverage {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '"'))
    s.remove_suffix(1);
  return s;
}

std::optional<double> ToDouble(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

bool ValidPos(double lat, double lon) {
  return std::abs(lat) <= 90 && std::abs(lon) <= 180 && !(lat == 0 && lon == 0);
}

std::vector<std::string_view> Split(std::string_view line, char delim) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == delim) {
      out.push_back(Trim(line.substr(start, i - start)));
      start = i + 1;
    }
  }
  return out;
}

// Line number (1-based) of byte `offset` in `text`.
int64_t LineOf(std::string_view text, size_t offset) {
  return 1 + std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n');
}

void AddFix(GpsImportResult* out, const std::string& vehicle, const geo::GpsFix& f) {
  out->by_vehicle[vehicle].push_back(f);
  ++out->good;
  ++out->records;
}

// ---- CSV ----
Status ImportCsv(std::string_view text, const std::string& file, const GpsImportOptions& o,
                 GpsImportResult* out) {
  const CsvMapping& m = o.csv;
  if (m.time.empty() || m.lat.empty() || m.lon.empty()) {
    return Status::InvalidArgument("CSV import needs --csv-columns with time, lat and lon",
                                   "csv-columns");
  }
  size_t eol = text.find('\n');
  std::string_view header = Trim(text.substr(0, eol));
  char delim = m.delimiter;
  if (!delim) {
    size_t c = std::count(header.begin(), header.end(), ','),
           s = std::count(header.begin(), header.end(), ';'),
           t = std::count(header.begin(), header.end(), '\t');
    delim = s > c && s >= t ? ';' : (t > c ? '\t' : ',');
  }
  auto cols = Split(header, delim);
  auto find = [&](const std::string& name) -> Result<int> {
    if (name.empty()) return -1;
    for (size_t i = 0; i < cols.size(); ++i) {
      if (cols[i] == name) return static_cast<int>(i);
    }
    int idx = 0;
    auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), idx);
    if (ec == std::errc() && p == name.data() + name.size() && idx >= 1 &&
        idx <= static_cast<int>(cols.size())) {
      return idx - 1;
    }
    return Status::InvalidArgument(file + ": CSV has no column '" + name + "' (header: " +
                                       std::string(header) + ")",
                                   "csv-columns");
  };
  // "time=Date (UTC)+Time (UTC)": several columns joined with a space.
  std::vector<int> ci_times;
  {
    std::string_view spec = m.time;
    for (;;) {
      size_t plus = spec.find('+');
      TILSYN_ASSIGN_OR_RETURN(int ci, find(std::string(spec.substr(0, plus))));
      ci_times.push_back(ci);
      if (plus == std::string_view::npos) break;
      spec.remove_prefix(plus + 1);
    }
  }
  const int ci_time = *std::max_element(ci_times.begin(), ci_times.end());
  TILSYN_ASSIGN_OR_RETURN(int ci_lat, find(m.lat));
  TILSYN_ASSIGN_OR_RETURN(int ci_lon, find(m.lon));
  TILSYN_ASSIGN_OR_RETURN(int ci_veh, find(m.vehicle));
  if (ci_veh < 0 && o.vehicle.empty()) {
    return Status::InvalidArgument("CSV import needs --vehicle or a vehicle column", "vehicle");
  }
  const int need = std::max({ci_time, ci_lat, ci_lon, ci_veh});
  int64_t line_no = 1;
  size_t pos = eol == std::string_view::npos ? text.size() : eol + 1;
  while (pos < text.size()) {
    size_t e = text.find('\n', pos);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(pos, e - pos);
    pos = e + 1;
    ++line_no;
    if (Trim(line).empty()) continue;
    auto f = Split(line, delim);
    if (static_cast<int>(f.size()) <= need) {
      ++out->records;
      out->AddBad(file, line_no, "expected at least " + std::to_string(need + 1) + " fields");
      continue;
    }
    auto lat = ToDouble(f[ci_lat]);
    auto lon = ToDouble(f[ci_lon]);
    if (!lat || !lon || !ValidPos(*lat, *lon)) {
      ++out->records;
      out->AddBad(file, line_no, "bad position '" + std::string(f[ci_lat]) + "', '" +
                                     std::string(f[ci_lon]) + "'");
      continue;
    }
    std::string time_text(f[ci_times[0]]);
    for (size_t k = 1; k < ci_times.size(); ++k) time_text += " " + std::string(f[ci_times[k]]);
    auto t = ParseTimeWithFormat(time_text, m.time_format);
    if (!t.ok()) {
      ++out->records;
      out->AddBad(file, line_no, "bad time '" + time_text + "'");
      continue;
    }
    std::string vehicle = ci_veh >= 0 ? std::string(f[ci_veh]) : o.vehicle;
    if (vehicle.empty()) {
      ++out->records;
      out->AddBad(file, line_no, "empty vehicle");
      continue;
    }
    geo::GpsFix fix;
    fix.time = *t;
    fix.pos = {*lat, *lon};
    AddFix(out, vehicle, fix);
  }
  return Status::Ok();
}

// ---- NMEA ----
Status ImportNmea(std::string_view text, const std::string& file, const GpsImportOptions& o,
                  GpsImportResult* out) {
  if (o.vehicle.empty()) return Status::InvalidArgument("NMEA import needs --vehicle", "vehicle");
  geo::NmeaParser parser;
  int64_t line_no = 0;
  size_t pos = 0;
  auto& fixes = out->by_vehicle[o.vehicle];
  while (pos < text.size()) {
    size_t e = text.find('\n', pos);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(pos, e - pos);
    pos = e + 1;
    ++line_no;
    if (Trim(line).empty()) continue;
    const geo::NmeaStats before = parser.stats();
    auto fix = parser.Feed(line);
    if (fix) fixes.push_back(*fix);
    const geo::NmeaStats& after = parser.stats();
    if (after.bad() > before.bad()) {
      std::string why = after.bad_checksum > before.bad_checksum ? "bad checksum"
                        : after.no_fix > before.no_fix           ? "no fix"
                        : after.undated > before.undated         ? "no date (GGA before any RMC)"
                                                                 : "malformed sentence";
      out->AddBad(file, line_no, why);
    }
  }
  if (auto fix = parser.Flush()) fixes.push_back(*fix);
  out->records += parser.stats().fixes + parser.stats().bad();
  out->good += parser.stats().fixes;
  return Status::Ok();
}

// ---- GPX ----
Status ImportGpx(std::string_view text, const std::string& file, const GpsImportOptions& o,
                 GpsImportResult* out) {
  if (o.vehicle.empty()) return Status::InvalidArgument("GPX import needs --vehicle", "vehicle");
  geo::GpxStats st;
  auto fixes = geo::ParseGpx(text, &st);
  for (size_t off : st.bad_offsets) out->AddBad(file, LineOf(text, off), "trkpt without valid lat, lon or time");
  out->records += st.bad;
  for (const auto& f : fixes) AddFix(out, o.vehicle, f);
  return Status::Ok();
}

// ---- GeoJSON ----
Result<TimeMs> JsonTime(const Json& v) {
  if (v.is_number()) {
    double x = v.get<double>();
    // Seconds or milliseconds since the epoch (values above 1e11 are milliseconds).
    return static_cast<TimeMs>(x > 1e11 ? x : x * 1000.0);
  }
  if (v.is_string()) return ParseTimeWithFormat(v.get<std::string>(), "iso8601");
  return Status::InvalidArgument("time is neither a string nor a number");
}

Status ImportGeoJson(std::string_view text, const std::string& file, const GpsImportOptions& o,
                     GpsImportResult* out) {
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument(file + ": not valid JSON");
  std::vector<const Json*> features;
  if (doc.is_object() && StringOr(doc, "type") == "FeatureCollection" && doc.contains("features") &&
      doc["features"].is_array()) {
    for (const auto& f : doc["features"]) features.push_back(&f);
  } else if (doc.is_object() && StringOr(doc, "type") == "Feature") {
    features.push_back(&doc);
  } else {
    return Status::InvalidArgument(file + ": expected a GeoJSON FeatureCollection or Feature");
  }
  for (size_t i = 0; i < features.size(); ++i) {
    const Json& f = *features[i];
    const std::string where = "features[" + std::to_string(i) + "]";
    auto bad = [&](const std::string& why) {
      ++out->records;
      out->AddBad(file, 0, where + ": " + why);
    };
    if (!f.is_object() || !f.contains("geometry") || !f["geometry"].is_object()) {
      bad("no geometry");
      continue;
    }
    const Json& g = f["geometry"];
    const Json props = f.contains("properties") && f["properties"].is_object() ? f["properties"]
                                                                                : Json::object();
    std::string vehicle = o.vehicle;
    if (props.contains(o.geojson_vehicle)) {
      const Json& v = props[o.geojson_vehicle];
      vehicle = v.is_string() ? v.get<std::string>() : v.dump();
    }
    if (vehicle.empty()) {
      bad("no vehicle (property '" + o.geojson_vehicle + "' or --vehicle)");
      continue;
    }
    auto coord = [](const Json& c, geo::LatLon* p) {
      if (!c.is_array() || c.size() < 2 || !c[0].is_number() || !c[1].is_number()) return false;
      p->lon = c[0].get<double>();
      p->lat = c[1].get<double>();
      return ValidPos(p->lat, p->lon);
    };
    const std::string type = StringOr(g, "type");
    if (type == "Point") {
      geo::GpsFix fix;
      if (!g.contains("coordinates") || !coord(g["coordinates"], &fix.pos)) {
        bad("bad Point coordinates");
        continue;
      }
      if (!props.contains(o.geojson_time)) {
        bad("no '" + o.geojson_time + "' property");
        continue;
      }
      auto t = JsonTime(props[o.geojson_time]);
      if (!t.ok()) {
        bad("bad time: " + t.status().message());
        continue;
      }
      fix.time = *t;
      AddFix(out, vehicle, fix);
    } else if (type == "LineString") {
      const Json* times = nullptr;
      for (const char* key : {"times", "coordTimes", "timestamps"}) {
        if (props.contains(key) && props[key].is_array()) {
          times = &props[key];
          break;
        }
      }
      if (!g.contains("coordinates") || !g["coordinates"].is_array()) {
        bad("bad LineString coordinates");
        continue;
      }
      const Json& cs = g["coordinates"];
      if (!times || times->size() != cs.size()) {
        bad("LineString needs a 'times' property with one time per vertex");
        continue;
      }
      for (size_t k = 0; k < cs.size(); ++k) {
        geo::GpsFix fix;
        auto t = JsonTime((*times)[k]);
        if (!coord(cs[k], &fix.pos) || !t.ok()) {
          ++out->records;
          out->AddBad(file, 0, where + ".coordinates[" + std::to_string(k) + "]: bad vertex or time");
          continue;
        }
        fix.time = *t;
        AddFix(out, vehicle, fix);
      }
    } else {
      bad("unsupported geometry type '" + type + "' (Point or LineString)");
    }
  }
  return Status::Ok();
}

}  // namespace

void GpsImportResult::AddBad(const std::string& file, int64_t line, std::string reason) {
  ++bad;
  if (bad_records.size() < kMaxListed) bad_records.push_back({file, line, std::move(reason)});
}

Result<GpsFormat> ParseGpsFormat(std::string_view s) {
  if (s == "auto" || s.empty()) return GpsFormat::kAuto;
  if (s == "gpx") return GpsFormat::kGpx;
  if (s == "nmea") return GpsFormat::kNmea;
  if (s == "csv") return GpsFormat::kCsv;
  if (s == "geojson" || s == "json") return GpsFormat::kGeoJson;
  return Status::InvalidArgument("unknown format '" + std::string(s) +
                                     "' (auto, gpx, nmea, csv, geojson)",
                                 "format");
}

GpsFormat DetectGpsFormat(std::string_view path, std::string_view text) {
  auto ends = [&](std::string_view ext) {
    if (path.size() < ext.size()) return false;
    for (size_t i = 0; i < ext.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(path[path.size() - ext.size() + i])) != ext[i])
        return false;
    }
    return true;
  };
  if (ends(".gpx")) return GpsFormat::kGpx;
  if (ends(".nmea") || ends(".nma") || ends(".log")) return GpsFormat::kNmea;
  if (ends(".csv") || ends(".tsv")) return GpsFormat::kCsv;
  if (ends(".geojson") || ends(".json")) return GpsFormat::kGeoJson;
  std::string_view head = Trim(text.substr(0, 256));
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.front()))) head.remove_prefix(1);
  if (head.starts_with("<")) return GpsFormat::kGpx;
  if (head.starts_with("$") || head.starts_with("!")) return GpsFormat::kNmea;
  if (head.starts_with("{")) return GpsFormat::kGeoJson;
  return GpsFormat::kCsv;
}

Result<CsvMapping> ParseCsvMapping(std::string_view spec) {
  CsvMapping m;
  for (auto part : Split(spec, ',')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("csv-columns: expected key=column, got '" + std::string(part) + "'",
                                     "csv-columns");
    }
    std::string key(Trim(part.substr(0, eq))), col(Trim(part.substr(eq + 1)));
    if (key == "vehicle") m.vehicle = col;
    else if (key == "time") m.time = col;
    else if (key == "lat") m.lat = col;
    else if (key == "lon") m.lon = col;
    else
      return Status::InvalidArgument("csv-columns: unknown key '" + key + "' (vehicle, time, lat, lon)",
                                     "csv-columns");
  }
  if (m.time.empty() || m.lat.empty() || m.lon.empty()) {
    return Status::InvalidArgument("csv-columns: time, lat and lon are required", "csv-columns");
  }
  return m;
}

Result<TimeMs> ParseTimeWithFormat(std::string_view s, std::string_view format) {
  s = Trim(s);
  if (s.empty()) return Status::InvalidArgument("empty time");
  if (format == "epoch_s" || format == "epoch_ms") {
    auto v = ToDouble(s);
    if (!v) return Status::InvalidArgument("not a number");
    return static_cast<TimeMs>(std::llround(format == "epoch_s" ? *v * 1000.0 : *v));
  }
  if (format == "iso8601" || format.empty()) {
    // Accept "YYYY-MM-DD HH:MM:SS", a missing zone (UTC) and a "+HH" zone.
    std::string t(s);
    if (t.size() > 10 && t[10] == ' ') t[10] = 'T';
    size_t tpos = t.find('T');
    if (tpos != std::string::npos) {
      size_t zone = t.find_first_of("Z+-", tpos);
      if (zone == std::string::npos) {
        t += 'Z';
      } else if (t[zone] != 'Z' && t.size() - zone == 3) {
        t += ":00";
      } else if (t[zone] != 'Z' && t.size() - zone == 5 && t.find(':', zone) == std::string::npos) {
        t.insert(zone + 3, ":");
      }
    }
    return ParseIso8601(t);
  }
  std::istringstream in{std::string(s)};
  date::sys_time<std::chrono::milliseconds> tp;
  std::chrono::minutes offset{0};
  in >> date::parse(std::string(format), tp, offset);
  if (in.fail()) return Status::InvalidArgument("does not match '" + std::string(format) + "'");
  return static_cast<TimeMs>((tp - offset).time_since_epoch().count());
}

Status ImportGpsText(std::string_view text, const std::string& file, const GpsImportOptions& o,
                     GpsImportResult* out) {
  GpsFormat fmt = o.format == GpsFormat::kAuto ? DetectGpsFormat(file, text) : o.format;
  switch (fmt) {
    case GpsFormat::kGpx: return ImportGpx(text, file, o, out);
    case GpsFormat::kNmea: return ImportNmea(text, file, o, out);
    case GpsFormat::kGeoJson: return ImportGeoJson(text, file, o, out);
    case GpsFormat::kCsv:
    case GpsFormat::kAuto: return ImportCsv(text, file, o, out);
  }
  return Status::Internal("unreachable");
}

Status ImportGpsFile(const std::string& path, const GpsImportOptions& options,
                     GpsImportResult* out) {
  TILSYN_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ImportGpsText(text, path, options, out);
}

}  // namespace tilsyn::coverage
