#include "agent/agent_config.h"

#include <cmath>
#include <set>

#include "agent/camera/live_camera.h"
#include "agent/gps/gpsd_source.h"
#include "core/time_format.h"
#include "tasks/agent_settings.h"

namespace tilsyn::agent {

int64_t AgentConfig::EffectiveMaxFixAgeMs() const {
  const double s =
      max_fix_age_s < 0 ? (gpsd.empty() ? 0.0 : kDefaultGpsdMaxFixAgeS) : max_fix_age_s;
  return static_cast<int64_t>(std::llround(s * 1000));
}

Status AgentConfig::Validate() const {
  if (server_url.rfind("http://", 0) != 0 && server_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("server URL must start with http:// or https://", "server_url");
  }
  if (server_url.find_first_of(" \t\r\n") != std::string::npos) {
    return Status::InvalidArgument("server URL contains whitespace", "server_url");
  }
  if (token.empty()) return Status::InvalidArgument("a vehicle token is required", "token");
  if (data_dir.empty()) return Status::InvalidArgument("a data folder is required", "data_dir");
  if (gps_file.empty() == gpsd.empty()) {
    return Status::InvalidArgument(
        "exactly one of gps_file (replay) and gpsd (HOST:PORT) is required",
        gps_file.empty() ? "gps_file" : "gpsd");
  }
  if (!gpsd.empty()) TILSYN_RETURN_IF_ERROR(ParseGpsdAddress(gpsd).status());
  if (!std::isfinite(max_fix_age_s) || max_fix_age_s > 86'400) {
    return Status::InvalidArgument("max fix age must be at most 86400 s (< 0 = default, 0 = off)",
                                   "max_fix_age_s");
  }
  if (!std::isfinite(max_frame_offset_m) || max_frame_offset_m < 0) {
    return Status::InvalidArgument("max frame offset must be >= 0 m (0 = off)",
                                   "max_frame_offset_m");
  }
  if (!std::isfinite(max_accuracy_m) || max_accuracy_m < 0) {
    return Status::InvalidArgument("max accuracy must be >= 0 m (0 = off)", "max_accuracy_m");
  }
  if (!std::isfinite(speed_factor) || speed_factor < 0) {
    return Status::InvalidArgument("speed factor must be >= 0", "speed_factor");
  }
  if (int(!camera_dir.empty()) + int(!video.empty()) + int(!camera.empty()) != 1) {
    return Status::InvalidArgument("exactly one of camera, camera_dir and video is required",
                                   camera.empty() ? "camera_dir" : "camera");
  }
  if (!camera.empty() && !LiveCamera::IsLiveSource(camera)) {
    return Status::InvalidArgument("must be an rtsp:// or http(s):// URL or /dev/videoN", "camera");
  }
  if (max_frame_age_ms <= 0 || max_frame_age_ms > 60'000) {
    return Status::InvalidArgument("must be 1..60000 ms", "max_frame_age_ms");
  }
  if (sync_interval_s <= 0) {
    return Status::InvalidArgument("sync interval must be > 0 s", "sync_interval_s");
  }
  if (jpeg_quality < 1 || jpeg_quality > 100) {
    return Status::InvalidArgument("JPEG quality must be 1..100", "jpeg_quality");
  }
  if (cascade_dir.empty()) {
    return Status::InvalidArgument("a cascade folder is required", "cascade_dir");
  }
  if (anonymizer_person_mode != "head" && anonymizer_person_mode != "full" &&
      anonymizer_person_mode != "off") {
    return Status::InvalidArgument("must be head, full or off", "anonymizer_person_mode");
  }
  if (outbox_max_mb < 0 || outbox_max_mb > (int64_t{1} << 30)) {
    return Status::InvalidArgument("must be 0 (no cap) or a size in MiB", "outbox_max_mb");
  }
  if (outbox_max_age_days < 0 || outbox_max_age_days > 3650) {
    return Status::InvalidArgument("must be 0 (no cap) .. 3650 days", "outbox_max_age_days");
  }
  for (size_t i = 0; i < upload_windows.size(); ++i) {
    Result<tasks::UploadWindow> w = tasks::ParseUploadWindow(upload_windows[i]);
    if (!w.ok()) {
      return w.status().WithField("upload_windows[" + std::to_string(i) + "]");
    }
  }
  if (!IsKnownTimeZone(upload_time_zone)) {
    return Status::InvalidArgument("must name a time zone, e.g. Europe/Copenhagen",
                                   "upload_time_zone");
  }
  if (!std::isfinite(heartbeat_interval_s) || heartbeat_interval_s < 0) {
    return Status::InvalidArgument("must be >= 0 s (0 = no heartbeat)", "heartbeat_interval_s");
  }
  if (tls_client_cert.empty() != tls_client_key.empty()) {
    return Status::InvalidArgument("a client certificate needs its key, and the other way round",
                                   tls_client_cert.empty() ? "tls_client_cert" : "tls_client_key");
  }
  if (drain_timeout_s < 0) {
    return Status::InvalidArgument("drain timeout must be >= 0 s", "drain_timeout_s");
  }
  return Status::Ok();
}

Status ApplyConfigJson(const Json& j, AgentConfig* cfg) {
  if (!j.is_object()) return Status::InvalidArgument("config must be a JSON object", "config");
  static const std::set<std::string> kKnown = {"server_url",
                                               "token",
                                               "data_dir",
                                               "gps_file",
                                               "speed_factor",
                                               "camera_dir",
                                               "video",
                                               "sync_interval_s",
                                               "jpeg_quality",
                                               "cascade_dir",
                                               "vehicle_id",
                                               "drain_timeout_s",
                                               "anonymizer_detectors",
                                               "gpsd",
                                               "anonymizer_person_mode",
                                               "max_fix_age_s",
                                               "max_accuracy_m",
                                               "max_frame_offset_m",
                                               "camera",
                                               "max_frame_age_ms",
                                               "outbox_key_file",
                                               "ca_file",
                                               "pin_sha256",
                                               "outbox_max_mb",
                                               "outbox_max_age_days",
                                               "upload_windows",
                                               "upload_time_zone",
                                               "heartbeat_interval_s",
                                               "tls_client_cert",
                                               "tls_client_key"};
  for (const auto& [key, _] : j.items()) {
    if (!kKnown.count(key)) return Status::InvalidArgument("unknown config key", key);
  }
  auto str = [&](const char* key, std::string* out) -> Status {
    TILSYN_ASSIGN_OR_RETURN(auto v, GetOptString(j, key, key));
    if (v) *out = *v;
    return Status::Ok();
  };
  auto num = [&](const char* key, double* out) -> Status {
    TILSYN_ASSIGN_OR_RETURN(auto v, GetOptNumber(j, key, key));
    if (v) *out = *v;
    return Status::Ok();
  };
  auto integer = [&](const char* key, int64_t* out) -> Status {
    TILSYN_ASSIGN_OR_RETURN(auto v, GetOptInt(j, key, key));
    if (v) *out = *v;
    return Status::Ok();
  };
  TILSYN_RETURN_IF_ERROR(str("server_url", &cfg->server_url));
  TILSYN_RETURN_IF_ERROR(str("token", &cfg->token));
  TILSYN_RETURN_IF_ERROR(str("data_dir", &cfg->data_dir));
  TILSYN_RETURN_IF_ERROR(str("outbox_key_file", &cfg->outbox_key_file));
  TILSYN_RETURN_IF_ERROR(str("ca_file", &cfg->ca_file));
  TILSYN_RETURN_IF_ERROR(str("pin_sha256", &cfg->pin_sha256));
  TILSYN_RETURN_IF_ERROR(str("tls_client_cert", &cfg->tls_client_cert));
  TILSYN_RETURN_IF_ERROR(str("tls_client_key", &cfg->tls_client_key));
  TILSYN_RETURN_IF_ERROR(str("gps_file", &cfg->gps_file));
  TILSYN_RETURN_IF_ERROR(str("gpsd", &cfg->gpsd));
  TILSYN_RETURN_IF_ERROR(num("max_fix_age_s", &cfg->max_fix_age_s));
  TILSYN_RETURN_IF_ERROR(num("max_accuracy_m", &cfg->max_accuracy_m));
  TILSYN_RETURN_IF_ERROR(num("max_frame_offset_m", &cfg->max_frame_offset_m));
  TILSYN_RETURN_IF_ERROR(num("speed_factor", &cfg->speed_factor));
  TILSYN_RETURN_IF_ERROR(str("camera_dir", &cfg->camera_dir));
  TILSYN_RETURN_IF_ERROR(str("video", &cfg->video));
  TILSYN_RETURN_IF_ERROR(str("camera", &cfg->camera));
  TILSYN_RETURN_IF_ERROR(integer("max_frame_age_ms", &cfg->max_frame_age_ms));
  TILSYN_RETURN_IF_ERROR(integer("sync_interval_s", &cfg->sync_interval_s));
  int64_t q = cfg->jpeg_quality;
  TILSYN_RETURN_IF_ERROR(integer("jpeg_quality", &q));
  if (q < 1 || q > 100)
    return Status::InvalidArgument("JPEG quality must be 1..100", "jpeg_quality");
  cfg->jpeg_quality = static_cast<int>(q);
  TILSYN_RETURN_IF_ERROR(str("cascade_dir", &cfg->cascade_dir));
  TILSYN_RETURN_IF_ERROR(str("anonymizer_person_mode", &cfg->anonymizer_person_mode));
  TILSYN_RETURN_IF_ERROR(str("vehicle_id", &cfg->vehicle_id));
  TILSYN_RETURN_IF_ERROR(integer("drain_timeout_s", &cfg->drain_timeout_s));
  TILSYN_RETURN_IF_ERROR(integer("outbox_max_mb", &cfg->outbox_max_mb));
  TILSYN_RETURN_IF_ERROR(integer("outbox_max_age_days", &cfg->outbox_max_age_days));
  TILSYN_RETURN_IF_ERROR(str("upload_time_zone", &cfg->upload_time_zone));
  TILSYN_RETURN_IF_ERROR(num("heartbeat_interval_s", &cfg->heartbeat_interval_s));
  auto strings = [&](const char* key, std::vector<std::string>* out) -> Status {
    if (!j.contains(key) || j[key].is_null()) return Status::Ok();
    const Json& d = j[key];
    if (!d.is_array()) return Status::InvalidArgument("must be a list", key);
    out->clear();
    for (size_t i = 0; i < d.size(); ++i) {
      if (!d[i].is_string()) {
        return Status::InvalidArgument("must be a string",
                                       std::string(key) + "[" + std::to_string(i) + "]");
      }
      out->push_back(d[i].get<std::string>());
    }
    return Status::Ok();
  };
  TILSYN_RETURN_IF_ERROR(strings("anonymizer_detectors", &cfg->anonymizer_detectors));
  TILSYN_RETURN_IF_ERROR(strings("upload_windows", &cfg->upload_windows));
  return Status::Ok();
}

}  // namespace tilsyn::agent
