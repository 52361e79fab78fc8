#include "tasks/permit_import.h"

#include <charconv>
#include <cmath>
#include <set>

#include "core/csv.h"
#include "core/time_format.h"

namespace tilsyn::tasks {
namespace {

const std::set<std::string> kFields = {"id",  "holder",   "kind",       "lat",
                                       "lon", "radius_m", "valid_from", "valid_to"};
constexpr int64_t kDayMs = 86'400'000;

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

// RFC 3339, or YYYY-MM-DD: the start of that day (UTC), or with `end_of_day` the start of the next.
Result<TimeMs> ParsePermitTime(const std::string& s, bool end_of_day) {
  if (s.size() == 10 && s[4] == '-' && s[7] == '-') {
    TILSYN_ASSIGN_OR_RETURN(TimeMs day, ParseIso8601(s + "T00:00:00Z"));
    return end_of_day ? day + kDayMs : day;
  }
  return ParseIso8601(s);
}

// A permit JSON object from flat string fields (both formats end here).
Result<Permit> FromFields(const std::map<std::string, std::string>& f, const Json* geometry) {
  auto get = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : Trim(it->second);
  };
  Json area;
  if (geometry != nullptr) {
    area = *geometry;
    if (area.is_object() && StringOr(area, "type") == "Point" && !area.contains("radius_m")) {
      const std::string r = get("radius_m");
      double radius = 10;
      if (!r.empty()) {
        auto [p, ec] = std::from_chars(r.data(), r.data() + r.size(), radius);
        if (ec != std::errc() || p != r.data() + r.size()) {
          return Status::InvalidArgument("radius_m is not a number", "radius_m");
        }
      }
      area["radius_m"] = radius;
    }
  } else {
    double v[3] = {0, 0, 10};
    const char* names[3] = {"lat", "lon", "radius_m"};
    for (int i = 0; i < 3; ++i) {
      const std::string s = get(names[i]);
      if (s.empty()) {
        if (i == 2) continue;
        return Status::InvalidArgument(std::string(names[i]) + " is missing", names[i]);
      }
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v[i]);
      if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v[i])) {
        return Status::InvalidArgument(std::string(names[i]) + " is not a number", names[i]);
      }
    }
    area = {{"type", "Point"}, {"coordinates", {v[1], v[0]}}, {"radius_m", v[2]}};
  }
  Json j = {{"id", get("id")}, {"area", area}};
  if (!get("holder").empty()) j["holder"] = get("holder");
  if (!get("kind").empty()) j["kind"] = get("kind");
  for (const char* k : {"valid_from", "valid_to"}) {
    const std::string s = get(k);
    if (s.empty()) return Status::InvalidArgument(std::string(k) + " is missing", k);
    Result<TimeMs> t = ParsePermitTime(s, std::string(k) == "valid_to");
    if (!t.ok())
      return Status::InvalidArgument(std::string(k) + " must be RFC 3339 or YYYY-MM-DD", k);
    j[k] = FormatIso8601(*t);
  }
  return PermitFromJson(j);
}

Result<PermitRecords> ParseCsv(std::string_view text, const std::string& file,
                               const PermitColumns& columns) {
  PermitRecords out;
  size_t pos = 0, line_no = 0;
  auto next_line = [&](std::string_view& line) {
    if (pos >= text.size()) return false;
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    return true;
  };
  std::string_view header;
  while (next_line(header) && Trim(std::string(header)).empty()) {
  }
  if (Trim(std::string(header)).empty()) {
    return Status::InvalidArgument(file + ": no header line", "file");
  }
  const char delim = DetectCsvDelimiter(header);
  const std::vector<std::string> names = SplitCsvLine(header, delim);
  // field -> column index
  std::map<std::string, size_t> index;
  for (const std::string& field : kFields) {
    auto m = columns.names.find(field);
    const std::string want = m == columns.names.end() ? field : m->second;
    size_t idx = names.size();
    for (size_t i = 0; i < names.size(); ++i) {
      if (Trim(names[i]) == want) idx = i;
    }
    if (idx == names.size() && !want.empty() &&
        want.find_first_not_of("0123456789") == std::string::npos) {
      idx = static_cast<size_t>(std::stoul(want)) - 1;
    }
    if (idx < names.size())
      index[field] = idx;
    else if (m != columns.names.end()) {
      return Status::InvalidArgument(file + ": no column '" + want + "' for " + field, "columns");
    }
  }
  for (const char* required : {"id", "lat", "lon", "valid_from", "valid_to"}) {
    if (!index.count(required)) {
      return Status::InvalidArgument(file + ": no column for " + std::string(required) +
                                         " (map it with --columns " + required + "=NAME)",
                                     "columns");
    }
  }
  std::string_view line;
  while (next_line(line)) {
    if (Trim(std::string(line)).empty()) continue;
    const std::vector<std::string> cells = SplitCsvLine(line, delim);
    std::map<std::string, std::string> fields;
    for (const auto& [field, i] : index) {
      if (i < cells.size()) fields[field] = cells[i];
    }
    Result<Permit> p = FromFields(fields, nullptr);
    if (!p.ok()) {
      out.bad.push_back(file + ":" + std::to_string(line_no) + ": " + p.status().message());
      continue;
    }
    out.permits.push_back(std::move(*p));
  }
  return out;
}

Result<PermitRecords> ParseGeoJson(std::string_view text, const std::string& file) {
  Result<Json> doc = ParseJson(text);
  if (!doc.ok() || !doc->is_object() || StringOr(*doc, "type") != "FeatureCollection" ||
      !doc->contains("features") || !(*doc)["features"].is_array()) {
    return Status::InvalidArgument(file + ": not a GeoJSON FeatureCollection", "file");
  }
  PermitRecords out;
  const Json& features = (*doc)["features"];
  for (size_t i = 0; i < features.size(); ++i) {
    const std::string where = file + ":features[" + std::to_string(i) + "]: ";
    const Json& f = features[i];
    if (!f.is_object() || !f.contains("geometry")) {
      out.bad.push_back(where + "not a Feature with a geometry");
      continue;
    }
    std::map<std::string, std::string> fields;
    const Json props = f.value("properties", Json::object());
    if (props.is_object()) {
      for (const auto& [k, v] : props.items()) {
        if (!kFields.count(k)) continue;
        fields[k] = v.is_string() ? v.get<std::string>() : v.dump();
      }
    }
    Result<Permit> p = FromFields(fields, &f["geometry"]);
    if (!p.ok()) {
      out.bad.push_back(where + p.status().message() + " (" + p.status().field() + ")");
      continue;
    }
    out.permits.push_back(std::move(*p));
  }
  return out;
}

}  // namespace

Result<PermitColumns> ParsePermitColumns(std::string_view spec) {
  PermitColumns out;
  size_t pos = 0;
  while (pos <= spec.size() && !spec.empty()) {
    size_t end = spec.find(',', pos);
    if (end == std::string_view::npos) end = spec.size();
    const std::string pair(spec.substr(pos, end - pos));
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      return Status::InvalidArgument("expected FIELD=COLUMN pairs, got '" + pair + "'", "columns");
    }
    const std::string field = Trim(pair.substr(0, eq));
    if (!kFields.count(field)) {
      return Status::InvalidArgument(
          "unknown field '" + field +
              "' (id, holder, kind, lat, lon, radius_m, valid_from, valid_to)",
          "columns");
    }
    out.names[field] = Trim(pair.substr(eq + 1));
    pos = end + 1;
  }
  return out;
}

Result<PermitRecords> ParsePermits(std::string_view text, const std::string& file,
                                   const PermitColumns& columns) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return ParseGeoJson(text, file);
  return ParseCsv(text, file, columns);
}

}  // namespace tilsyn::tasks
