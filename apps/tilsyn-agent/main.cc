// tilsyn-agent: the vehicle agent. Follows a GPS replay or a live gpsd, syncs capture jobs from the
// server, captures (anonymized, in memory) inside active jobs' geofences, queues observations in a
// crash-safe outbox and uploads them. Prints one JSON summary line on stdout at the end; logs are
// JSON lines on stderr. Exit codes: 0 done, 1 runtime failure, 2 bad configuration.
//
// Precedence: defaults < --config FILE (JSON) < environment (TILSYN_SERVER, TILSYN_AGENT_TOKEN)
// < command-line flags.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "agent/agent.h"
#include "core/file_util.h"
#include "core/log.h"
#include "core/version.h"

namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnSignal(int) { g_stop.store(true); }

int BadConfig(const std::string& msg) {
  std::cerr << "tilsyn-agent: bad configuration: " << msg << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using tilsyn::agent::AgentConfig;
  CLI::App app{"tilsyn-agent: capture inside inspection geofences and upload anonymized images"};
  app.set_version_flag("--version", std::string("tilsyn-agent ") + tilsyn::kSoftwareVersion);

  std::string config_file;
  std::optional<std::string> outbox_key_file, ca_file, pin_sha256, tls_client_cert, tls_client_key;
  std::optional<std::string> server, token, data_dir, gps, gpsd, camera_dir, video, cascade_dir,
      vehicle_id, log_level;
  std::optional<double> speed, max_fix_age_s, max_accuracy_m;
  std::optional<int64_t> sync_interval, drain_timeout;
  std::optional<int> jpeg_quality;

  app.add_option("--config", config_file, "JSON config file (keys as the AgentConfig fields)");
  app.add_option("--server", server,
                 "server base URL, e.g. http://127.0.0.1:8080 (env TILSYN_SERVER)");
  app.add_option("--token", token, "vehicle token (env TILSYN_AGENT_TOKEN)");
  app.add_option("--data-dir", data_dir, "folder for jobs.json, outbox/ and rejected/");
  app.add_option("--outbox-key-file", outbox_key_file,
                 "file (mode 0600) with the outbox's AES-256 key; default DATA_DIR/outbox.key, "
                 "made on first start (env TILSYN_OUTBOX_KEY overrides)");
  app.add_option("--tls-client-cert", tls_client_cert,
                 "mTLS: the vehicle's client certificate (PEM, CN = the vehicle id)");
  app.add_option("--tls-client-key", tls_client_key, "mTLS: its private key (PEM, mode 0600)");
  app.add_option("--ca-file", ca_file,
                 "https: the server's CA bundle (PEM; default: the system's)");
  app.add_option(
      "--pin-sha256", pin_sha256,
      "https: accept only the server key with this pin (base64 SHA-256 of its public key)");
  CLI::Option* gps_opt =
      app.add_option("--gps", gps, "GPS replay file: .nmea/.txt (NMEA 0183) or .gpx");
  app.add_option("--gpsd", gpsd, "live GPS from gpsd at HOST:PORT (e.g. 127.0.0.1:2947)")
      ->excludes(gps_opt);
  app.add_option("--max-fix-age-s", max_fix_age_s,
                 "ignore fixes older than this (default: 5 with --gpsd, off with --gps; 0 = off)");
  app.add_option("--max-accuracy-m", max_accuracy_m,
                 "ignore fixes with a worse accuracy estimate (default 25; 0 = off)");
  app.add_option("--speed", speed, "replay speed factor (0 = as fast as possible)");
  app.add_option("--camera-dir", camera_dir, "replay camera folder with index.csv (lat,lon,file)");
  app.add_option("--video", video, "replay camera video file");
  std::optional<std::string> camera;
  std::optional<int64_t> max_frame_age_ms;
  app.add_option(
      "--camera", camera,
      "live camera: rtsp://… or http(s)://… (IP camera) or /dev/videoN (USB); needs --gpsd");
  app.add_option("--max-frame-age-ms", max_frame_age_ms,
                 "a live camera's newest frame older than this is not used (default 1000)");
  app.add_option("--sync-interval", sync_interval, "job sync interval in GPS seconds");
  app.add_option("--jpeg-quality", jpeg_quality, "JPEG quality 1..100");
  app.add_option("--cascade-dir", cascade_dir, "folder of OpenCV haarcascade_*.xml");
  std::vector<std::string> anonymizer_detectors;
  app.add_option("--anonymizer-detectors", anonymizer_detectors,
                 "ensemble detectors (default: our privacy model, default-pack), e.g. default-pack "
                 "hog-person");
  std::optional<std::string> person_mode;
  app.add_option("--anonymizer-person-mode", person_mode,
                 "what of a detected person is blurred: head (default), full or off");
  app.add_option("--vehicle-id", vehicle_id, "vehicle name for logs and the summary");
  app.add_option("--drain-timeout", drain_timeout, "seconds to wait for the outbox at the end");
  app.add_option("--log-level", log_level, "debug|info|warn|error");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  if (log_level) tilsyn::SetLogLevel(tilsyn::ParseLogLevel(*log_level));

  AgentConfig cfg;
  if (!config_file.empty()) {
    auto text = tilsyn::ReadFile(config_file);
    if (!text.ok()) return BadConfig("cannot read --config " + config_file);
    auto j = tilsyn::ParseJson(*text);
    if (!j.ok()) return BadConfig(config_file + ": " + j.status().message());
    tilsyn::Status st = tilsyn::agent::ApplyConfigJson(*j, &cfg);
    if (!st.ok()) return BadConfig(config_file + ": " + st.ToString());
  }
  if (const char* e = std::getenv("TILSYN_SERVER"); e && *e) cfg.server_url = e;
  if (const char* e = std::getenv("TILSYN_AGENT_TOKEN"); e && *e) cfg.token = e;
  if (const char* e = std::getenv("TILSYN_OUTBOX_KEY"); e && *e) cfg.outbox_key = e;
  if (server) cfg.server_url = *server;
  if (token) cfg.token = *token;
  if (data_dir) cfg.data_dir = *data_dir;
  if (outbox_key_file) cfg.outbox_key_file = *outbox_key_file;
  if (ca_file) cfg.ca_file = *ca_file;
  if (pin_sha256) cfg.pin_sha256 = *pin_sha256;
  if (tls_client_cert) cfg.tls_client_cert = *tls_client_cert;
  if (tls_client_key) cfg.tls_client_key = *tls_client_key;
  // A flag picks the GPS source: it clears the other one set by the file.
  if (gps) {
    cfg.gps_file = *gps;
    cfg.gpsd.clear();
  }
  if (gpsd) {
    cfg.gpsd = *gpsd;
    cfg.gps_file.clear();
  }
  if (max_fix_age_s) cfg.max_fix_age_s = *max_fix_age_s;
  if (max_accuracy_m) cfg.max_accuracy_m = *max_accuracy_m;
  if (speed) cfg.speed_factor = *speed;
  // A flag picks the camera kind: it clears the others set by the file.
  if (camera_dir) {
    cfg.camera_dir = *camera_dir;
    if (!video) cfg.video.clear();
    if (!camera) cfg.camera.clear();
  }
  if (camera) {
    cfg.camera = *camera;
    if (!camera_dir) cfg.camera_dir.clear();
    if (!video) cfg.video.clear();
  }
  if (max_frame_age_ms) cfg.max_frame_age_ms = *max_frame_age_ms;
  if (video) {
    cfg.video = *video;
    if (!camera_dir) cfg.camera_dir.clear();
    if (!camera) cfg.camera.clear();
  }
  if (sync_interval) cfg.sync_interval_s = *sync_interval;
  if (jpeg_quality) cfg.jpeg_quality = *jpeg_quality;
  if (cascade_dir) cfg.cascade_dir = *cascade_dir;
  if (!anonymizer_detectors.empty()) cfg.anonymizer_detectors = anonymizer_detectors;
  if (person_mode) cfg.anonymizer_person_mode = *person_mode;
  if (vehicle_id) cfg.vehicle_id = *vehicle_id;
  if (drain_timeout) cfg.drain_timeout_s = *drain_timeout;

  if (tilsyn::Status st = cfg.Validate(); !st.ok()) return BadConfig(st.ToString());

  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);

  auto agent = tilsyn::agent::Agent::Create(cfg, tilsyn::SystemClock::Get());
  if (!agent.ok()) return BadConfig(agent.status().ToString());

  auto summary = (*agent)->Run(&g_stop);
  if (!summary.ok()) {
    std::cerr << "tilsyn-agent: " << summary.status().ToString() << "\n";
    return 1;
  }
  std::cout << summary->ToJson().dump() << std::endl;
  return 0;
}
