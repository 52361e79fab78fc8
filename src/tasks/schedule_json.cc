#include "tasks/schedule_json.h"

#include <cstdio>

#include "core/time_format.h"

namespace tilsyn::tasks {
namespace {

Result<int> ParseHhMm(const Json& w, std::string_view key, const std::string& path) {
  TILSYN_ASSIGN_OR_RETURN(std::string s, GetString(w, key, path));
  int h = -1, m = -1;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 24 || m < 0 ||
      m > 59 || (h == 24 && m != 0)) {
    return Status::InvalidArgument("must be a time of day \"HH:MM\"", path);
  }
  return h * 60 + m;
}

std::string FormatHhMm(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

}  // namespace

Result<Schedule> ScheduleFromJson(const Json& j, std::string_view path_sv) {
  std::string path(path_sv);
  if (!j.is_object()) return Status::InvalidArgument("must be an object", path);
  Schedule s;
  TILSYN_ASSIGN_OR_RETURN(std::string from, GetString(j, "valid_from", JoinPath(path, "valid_from")));
  TILSYN_ASSIGN_OR_RETURN(std::string to, GetString(j, "valid_to", JoinPath(path, "valid_to")));
  auto f = ParseIso8601(from);
  if (!f.ok()) return f.status().WithField(JoinPath(path, "valid_from"));
  auto t = ParseIso8601(to);
  if (!t.ok()) return t.status().WithField(JoinPath(path, "valid_to"));
  s.valid_from = *f;
  s.valid_to = *t;
  if (s.valid_to <= s.valid_from) {
    return Status::InvalidArgument("valid_to must be after valid_from", JoinPath(path, "valid_to"));
  }
  TILSYN_ASSIGN_OR_RETURN(auto tz, GetOptString(j, "time_zone", JoinPath(path, "time_zone")));
  if (tz) {
    if (!IsKnownTimeZone(*tz)) {
      return Status::InvalidArgument("unknown time zone", JoinPath(path, "time_zone"));
    }
    s.time_zone = *tz;
  }
  TILSYN_ASSIGN_OR_RETURN(auto mi, GetOptInt(j, "min_interval_s", JoinPath(path, "min_interval_s")));
  if (mi) {
    if (*mi < 0) return Status::InvalidArgument("must be >= 0", JoinPath(path, "min_interval_s"));
    s.min_interval_s = *mi;
  }
  if (j.contains("windows") && !j["windows"].is_null()) {
    const Json& ws = j["windows"];
    std::string wpath = JoinPath(path, "windows");
    if (!ws.is_array()) return Status::InvalidArgument("must be an array", wpath);
    for (size_t i = 0; i < ws.size(); ++i) {
      std::string ip = wpath + "[" + std::to_string(i) + "]";
      if (!ws[i].is_object()) return Status::InvalidArgument("must be an object", ip);
      WeeklyWindow w;
      TILSYN_ASSIGN_OR_RETURN(int64_t wd, GetInt(ws[i], "weekday", JoinPath(ip, "weekday")));
      if (wd < 0 || wd > 6) {
        return Status::InvalidArgument("weekday must be 0 (Monday) … 6 (Sunday)",
                                       JoinPath(ip, "weekday"));
      }
      w.weekday = static_cast<int>(wd);
      TILSYN_ASSIGN_OR_RETURN(w.start_minute, ParseHhMm(ws[i], "start", JoinPath(ip, "start")));
      TILSYN_ASSIGN_OR_RETURN(w.end_minute, ParseHhMm(ws[i], "end", JoinPath(ip, "end")));
      if (w.end_minute <= w.start_minute) {
        return Status::InvalidArgument("end must be after start", JoinPath(ip, "end"));
      }
      s.windows.push_back(w);
    }
  }
  return s;
}

Json ScheduleToJson(const Schedule& s) {
  Json ws = Json::array();
  for (const WeeklyWindow& w : s.windows) {
    ws.push_back({{"weekday", w.weekday},
                  {"start", FormatHhMm(w.start_minute)},
                  {"end", FormatHhMm(w.end_minute)}});
  }
  return {{"valid_from", FormatIso8601(s.valid_from)},
          {"valid_to", FormatIso8601(s.valid_to)},
          {"time_zone", s.time_zone},
          {"min_interval_s", s.min_interval_s},
          {"windows", ws}};
}

}  // namespace tilsyn::tasks
