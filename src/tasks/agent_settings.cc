#include "tasks/agent_settings.h"

#include <cmath>
#include <cstdio>
#include <functional>

#include "core/time_format.h"

namespace tilsyn::tasks {
namespace {

struct NumberRange {
  const char* key;
  bool integer;
  double min, max;
  const char* hint;
};

// The same limits the agent's own config check applies (AgentConfig::Validate).
constexpr NumberRange kNumbers[] = {
    {"max_fix_age_s", false, -1, 86'400, "-1 (default), 0 (off) .. 86400 s"},
    {"max_accuracy_m", false, 0, 10'000, "0 (off) .. 10000 m"},
    {"max_frame_offset_m", false, 0, 10'000, "0 (off) .. 10000 m"},
    {"max_frame_age_ms", true, 1, 60'000, "1 .. 60000 ms"},
    {"sync_interval_s", true, 1, 86'400, "1 .. 86400 s"},
    {"jpeg_quality", true, 1, 100, "1 .. 100"},
    {"outbox_max_mb", true, 0, 1 << 30, "0 (no cap) or a size in MiB"},
    {"outbox_max_age_days", true, 0, 3650, "0 (no cap) .. 3650 days"},
};

Status CheckStringList(const Json& settings, const char* key, size_t max_items,
                       const std::function<Status(const std::string&, const std::string&)>& each) {
  const std::string path = JoinPath("settings", key);
  const Json& v = settings[key];
  if (!v.is_array()) return Status::InvalidArgument("must be a list of strings", path);
  if (v.size() > max_items) {
    return Status::InvalidArgument("at most " + std::to_string(max_items) + " entries", path);
  }
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string item = path + "[" + std::to_string(i) + "]";
    if (!v[i].is_string()) return Status::InvalidArgument("must be a string", item);
    TILSYN_RETURN_IF_ERROR(each(v[i].get<std::string>(), item));
  }
  return Status::Ok();
}

}  // namespace

const std::set<std::string>& RemoteAgentSettingKeys() {
  static const std::set<std::string> kKeys = [] {
    std::set<std::string> k = {"anonymizer_detectors", "anonymizer_person_mode", "upload_windows",
                               "upload_time_zone"};
    for (const NumberRange& n : kNumbers) k.insert(n.key);
    return k;
  }();
  return kKeys;
}

Status ValidateAgentSettings(const Json& settings) {
  if (!settings.is_object()) return Status::InvalidArgument("must be a JSON object", "settings");
  for (const auto& [key, _] : settings.items()) {
    if (!RemoteAgentSettingKeys().count(key)) {
      return Status::InvalidArgument(
          "not a setting the server may change (one of "
          "anonymizer_detectors, anonymizer_person_mode, jpeg_quality, "
          "max_*, outbox_max_*, sync_interval_s, upload_*)",
          JoinPath("settings", key));
    }
  }
  for (const NumberRange& n : kNumbers) {
    if (!settings.contains(n.key)) continue;
    const std::string path = JoinPath("settings", n.key);
    const Json& v = settings[n.key];
    if (n.integer ? !v.is_number_integer() : !v.is_number()) {
      return Status::InvalidArgument(n.integer ? "must be an integer" : "must be a number", path);
    }
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < n.min || x > n.max) {
      return Status::InvalidArgument(std::string("must be ") + n.hint, path);
    }
  }
  if (settings.contains("anonymizer_person_mode")) {
    const Json& m = settings["anonymizer_person_mode"];
    if (!m.is_string() || (m != "head" && m != "full" && m != "off")) {
      return Status::InvalidArgument("must be head, full or off",
                                     "settings.anonymizer_person_mode");
    }
  }
  if (settings.contains("anonymizer_detectors")) {
    TILSYN_RETURN_IF_ERROR(CheckStringList(
        settings, "anonymizer_detectors", 16, [](const std::string& s, const std::string& path) {
          if (s.empty()) return Status::InvalidArgument("must not be empty", path);
          return Status::Ok();
        }));
  }
  if (settings.contains("upload_windows")) {
    TILSYN_RETURN_IF_ERROR(CheckStringList(
        settings, "upload_windows", 24, [](const std::string& s, const std::string& path) {
          Result<UploadWindow> w = ParseUploadWindow(s);
          return w.ok() ? Status::Ok() : w.status().WithField(path);
        }));
  }
  if (settings.contains("upload_time_zone")) {
    const Json& tz = settings["upload_time_zone"];
    if (!tz.is_string() || !IsKnownTimeZone(tz.get<std::string>())) {
      return Status::InvalidArgument("must name a time zone, e.g. Europe/Copenhagen",
                                     "settings.upload_time_zone");
    }
  }
  return Status::Ok();
}

Result<UploadWindow> ParseUploadWindow(const std::string& text) {
  int h1 = -1, m1 = -1, h2 = -1, m2 = -1;
  char tail = 0;
  const bool shaped =
      text.size() == 11 && text[2] == ':' && text[5] == '-' && text[8] == ':' &&
      std::sscanf(text.c_str(), "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) == 4;
  const bool valid = shaped && h1 >= 0 && h1 < 24 && m1 >= 0 && m1 < 60 && h2 >= 0 && m2 >= 0 &&
                     m2 < 60 && (h2 < 24 || (h2 == 24 && m2 == 0));
  if (!valid) {
    return Status::InvalidArgument("'" + text + "' is not a window HH:MM-HH:MM, e.g. 22:00-06:00",
                                   "upload_windows");
  }
  UploadWindow w{h1 * 60 + m1, h2 * 60 + m2};
  if (w.from_minute == w.to_minute) {
    return Status::InvalidArgument("'" + text + "' is empty (use 00:00-24:00 for the whole day)",
                                   "upload_windows");
  }
  return w;
}

bool InUploadWindow(const std::vector<std::string>& windows, const std::string& tz, TimeMs t) {
  if (windows.empty()) return true;
  Result<LocalTime> local = ToLocal(t, tz.empty() ? "Europe/Copenhagen" : tz);
  if (!local.ok()) return true;
  const int m = local->minute_of_day;
  for (const std::string& text : windows) {
    Result<UploadWindow> w = ParseUploadWindow(text);
    if (!w.ok()) return true;
    const bool inside = w->from_minute < w->to_minute
                            ? m >= w->from_minute && m < w->to_minute
                            : m >= w->from_minute || m < w->to_minute;  // over midnight
    if (inside) return true;
  }
  return false;
}

}  // namespace tilsyn::tasks
