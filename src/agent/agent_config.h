// AgentConfig: everything the vehicle agent is started with. Parsed once at the edge (flags, a
// JSON file, TILSYN_* environment variables) and passed down by const reference. Plain value type.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "net/http_client.h"

namespace tilsyn::agent {

struct AgentConfig {
  std::string server_url;  // e.g. "http://127.0.0.1:8080" (http or https)
  std::string token;       // vehicle token, sent as Bearer; never logged
  // https: the server's CA bundle ("" = the system's) and optionally the server's public-key
  // pin (base64 SHA-256 of its SubjectPublicKeyInfo, as `openssl … | openssl dgst -sha256
  // -binary | base64` prints it).
  std::string ca_file;
  std::string pin_sha256;
  // mTLS: the vehicle's client certificate (CN = its vehicle id) and key, for a server that
  // accepts vehicle tokens only with one (server tls_client_ca). "" = none.
  std::string tls_client_cert, tls_client_key;
  net::TlsTrust Trust() const {
    return {ca_file, pin_sha256.empty() ? "" : "sha256//" + pin_sha256, tls_client_cert,
            tls_client_key};
  }
  std::string data_dir = "./agent-data";  // jobs.json, outbox/, rejected/
  // The outbox's AES-256 key (agent/outbox_key.h): 64 hex digits or base64 (TILSYN_OUTBOX_KEY;
  // never in the JSON config, never logged), or a file holding it with mode 0600 ("" =
  // <data_dir>/outbox.key, created on first start).
  std::string outbox_key;
  std::string outbox_key_file;
  std::string gps_file;  // replay trace: .nmea, .txt (NMEA) or .gpx
  std::string gpsd;      // live gpsd "HOST:PORT" (exclusive with gps_file)
  // Trigger limits. Stale-fix rejection: a fix older than this (now - fix time) is ignored;
  // < 0 = the default (kDefaultGpsdMaxFixAgeS with gpsd, off for a replay file, whose fixes carry
  // historical times), 0 = off.
  double max_fix_age_s = -1;
  double max_accuracy_m = 25;  // fixes with a worse accuracy estimate are ignored; 0 = off
  // A frame exposed further than this from its trigger's fix (metres driven between them,
  // agent/camera/frame_sync.h) is dropped and counted, never uploaded with a wrong position; the
  // next fix inside the fence tries again. 0 = off.
  double max_frame_offset_m = 5;
  double speed_factor = 1.0;  // replay pace: recorded time / speed_factor; 0 = as fast as possible
  std::string camera_dir;     // replay folder with index.csv (exclusive with `video`, `camera`)
  std::string video;          // replay video file (exclusive with `camera_dir`, `camera`)
  // A live camera: rtsp://…, http(s)://… or /dev/videoN (agent/camera/live_camera.h).
  std::string camera;
  int64_t max_frame_age_ms = 1000;  // a live camera's newest frame older than this is not used
  int64_t sync_interval_s = 10;     // job sync period, in GPS time
  int jpeg_quality = 90;            // 1 … 100
  std::string cascade_dir = "/usr/share/opencv4/haarcascades";  // anonymizer cascades
  // Empty = our `privacy` model (models/); else the ensemble's detectors
  // (imaging::MakeAnonymizerFactory).
  std::vector<std::string> anonymizer_detectors;
  std::string anonymizer_person_mode = "head";  // what of a person is blurred: head, full, off
  std::string vehicle_id = "vehicle";           // for logs and the summary line only
  int64_t drain_timeout_s = 30;  // at the end, wait this long for the outbox to empty
  // Outbox caps (agent/outbox.h): beyond them the oldest waiting observations are dropped, each
  // recorded in rejected/ without its image. 0 = no cap.
  int64_t outbox_max_mb = 1024;
  int64_t outbox_max_age_days = 14;
  // Daily periods "HH:MM-HH:MM" in upload_time_zone when the uploader may send (empty = always).
  std::vector<std::string> upload_windows;
  std::string upload_time_zone = "Europe/Copenhagen";
  // The heartbeat to the fleet view (POST /api/v1/heartbeat) every this many seconds; 0 = none.
  double heartbeat_interval_s = 60;

  static constexpr double kDefaultGpsdMaxFixAgeS = 5;
  // The stale-fix limit in effect, in ms (0 = off), after applying the default above.
  int64_t EffectiveMaxFixAgeMs() const;

  // InvalidArgument naming the field (e.g. "server_url", "camera_dir") on the first problem.
  Status Validate() const;
};

// Applies the members of a JSON object (same names as the fields) over `cfg`. Unknown keys are
// an error (a typo must not silently use a default); InvalidArgument names the field.
Status ApplyConfigJson(const Json& j, AgentConfig* cfg);

}  // namespace tilsyn::agent
