#include "tasks/heartbeat.h"

#include <cmath>

#include "core/time_format.h"

namespace tilsyn::tasks {

bool IsCameraState(const std::string& s) {
  return s == "connecting" || s == "streaming" || s == "stale" || s == "reconnecting" ||
         s == "stopped" || s == "replay";
}

Json HeartbeatToJson(const Heartbeat& h) {
  Json j = {{"sent_at", FormatIso8601(h.sent_at)},
            {"software_version", h.software_version},
            {"config_version", h.config_version},
            {"camera", h.camera},
            {"outbox",
             {{"depth", h.outbox_depth},
              {"oldest_age_s", h.outbox_oldest_age_s},
              {"dropped", h.outbox_dropped}}},
            {"fix", nullptr},
            {"clock_offset_ms", nullptr}};
  if (!h.config_error.empty()) j["config_error"] = h.config_error;
  if (h.fix) {
    j["fix"] = {{"lat", h.fix->lat}, {"lon", h.fix->lon}, {"time", FormatIso8601(h.fix->time)}};
    if (h.fix->accuracy_m) j["fix"]["accuracy_m"] = *h.fix->accuracy_m;
  }
  if (h.clock_offset_ms) j["clock_offset_ms"] = *h.clock_offset_ms;
  return j;
}

namespace {

Result<TimeMs> GetTime(const Json& j, const char* key, const std::string& path) {
  TILSYN_ASSIGN_OR_RETURN(std::string text, GetString(j, key, path));
  Result<TimeMs> t = ParseIso8601(text);
  if (!t.ok()) return Status::InvalidArgument("must be an RFC 3339 time", path);
  return *t;
}

}  // namespace

Result<Heartbeat> HeartbeatFromJson(const Json& j) {
  if (!j.is_object()) return Status::InvalidArgument("must be a JSON object", "body");
  Heartbeat h;
  TILSYN_ASSIGN_OR_RETURN(h.sent_at, GetTime(j, "sent_at", "sent_at"));
  TILSYN_ASSIGN_OR_RETURN(h.software_version, GetString(j, "software_version", "software_version"));
  if (h.software_version.size() > 64) {
    return Status::InvalidArgument("at most 64 characters", "software_version");
  }
  TILSYN_ASSIGN_OR_RETURN(h.config_version, GetInt(j, "config_version", "config_version"));
  if (h.config_version < 0) return Status::InvalidArgument("must be >= 0", "config_version");
  TILSYN_ASSIGN_OR_RETURN(auto err, GetOptString(j, "config_error", "config_error"));
  if (err) h.config_error = err->substr(0, 500);
  TILSYN_ASSIGN_OR_RETURN(h.camera, GetString(j, "camera", "camera"));
  if (!IsCameraState(h.camera)) {
    return Status::InvalidArgument(
        "must be connecting, streaming, stale, reconnecting, stopped or replay", "camera");
  }
  if (!j.contains("outbox") || !j["outbox"].is_object()) {
    return Status::InvalidArgument("must be an object {depth, oldest_age_s}", "outbox");
  }
  TILSYN_ASSIGN_OR_RETURN(h.outbox_depth, GetInt(j["outbox"], "depth", "outbox.depth"));
  TILSYN_ASSIGN_OR_RETURN(h.outbox_oldest_age_s,
                          GetNumber(j["outbox"], "oldest_age_s", "outbox.oldest_age_s"));
  TILSYN_ASSIGN_OR_RETURN(auto dropped, GetOptInt(j["outbox"], "dropped", "outbox.dropped"));
  h.outbox_dropped = dropped.value_or(0);
  if (h.outbox_depth < 0) return Status::InvalidArgument("must be >= 0", "outbox.depth");
  if (h.outbox_dropped < 0) return Status::InvalidArgument("must be >= 0", "outbox.dropped");
  if (!std::isfinite(h.outbox_oldest_age_s) || h.outbox_oldest_age_s < 0) {
    return Status::InvalidArgument("must be >= 0", "outbox.oldest_age_s");
  }
  if (j.contains("fix") && !j["fix"].is_null()) {
    const Json& f = j["fix"];
    if (!f.is_object()) return Status::InvalidArgument("must be an object or null", "fix");
    HeartbeatFix fix;
    TILSYN_ASSIGN_OR_RETURN(fix.lat, GetNumber(f, "lat", "fix.lat"));
    TILSYN_ASSIGN_OR_RETURN(fix.lon, GetNumber(f, "lon", "fix.lon"));
    if (!(fix.lat >= -90 && fix.lat <= 90)) return Status::InvalidArgument("-90..90", "fix.lat");
    if (!(fix.lon >= -180 && fix.lon <= 180)) {
      return Status::InvalidArgument("-180..180", "fix.lon");
    }
    TILSYN_ASSIGN_OR_RETURN(fix.accuracy_m, GetOptNumber(f, "accuracy_m", "fix.accuracy_m"));
    if (fix.accuracy_m && !(*fix.accuracy_m >= 0 && std::isfinite(*fix.accuracy_m))) {
      return Status::InvalidArgument("must be >= 0", "fix.accuracy_m");
    }
    TILSYN_ASSIGN_OR_RETURN(fix.time, GetTime(f, "time", "fix.time"));
    h.fix = fix;
  }
  TILSYN_ASSIGN_OR_RETURN(h.clock_offset_ms, GetOptInt(j, "clock_offset_ms", "clock_offset_ms"));
  return h;
}

}  // namespace tilsyn::tasks
