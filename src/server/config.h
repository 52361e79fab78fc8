// ServerConfig: everything `tilsyn serve` needs, parsed once at the edge from a JSON file,
// TILSYN_* environment variables and flags (server/cli.h) and passed down by const ref.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/status.h"

namespace tilsyn::server {

struct ServerConfig {
  std::string listen = "127.0.0.1";      // listen address (loopback by default)
  uint16_t port = 8080;                  // 0 = any free port
  std::string data_dir = "tilsyn-data";  // SQLite database and image folder live here
  // The system of record: "" = SQLite in <data_dir>/tilsyn.db (the single-machine default); a
  // postgresql://… URL = PostgreSQL 15 (docs/scale.md). TILSYN_DATABASE_URL, --database.
  std::string database;
  // Where the store is: `database`, or the SQLite file in the data folder.
  std::string StoreLocation() const {
    return database.empty() ? data_dir + "/tilsyn.db" : database;
  }
  // Where the (encrypted) image bytes are: the database's `images` table on PostgreSQL (API
  // instances and workers share no disk), else <data_dir>/images.
  std::string ImageLocation() const { return database.empty() ? data_dir + "/images" : database; }
  size_t max_body_bytes = 8u << 20;  // larger uploads get 413
  // Uploads are refused with 507 (the vehicle keeps them and retries) while the data folder's
  // file system has less free space than this, so acknowledged work can always be finished.
  int64_t min_free_bytes = 64ll << 20;
  int http_threads = 2;
  // Requests per minute and burst per token (429 with Retry-After beyond; 0 = no limit), and
  // uploads ingested at once (429 beyond; the vehicle retries).
  int rate_limit_per_minute = 1200;
  int rate_limit_burst = 240;
  int max_concurrent_uploads = 16;
  int pipeline_poll_ms = 500;
  std::string cascade_dir = "/usr/share/opencv4/haarcascades";  // opencv-data
  // The server-side anonymizer (imaging::MakeAnonymizerFactory): empty = our `privacy` model
  // (models/); else the ensemble's detectors, e.g. ["default-pack", "hog-person"]
  // (docs/anonymization.md).
  std::vector<std::string> anonymizer_detectors;
  // What of a detected person is blurred: head (the default), full or off.
  std::string anonymizer_person_mode = "head";
  int webhook_timeout_ms = 5000;
  // 0: transient delivery failures are retried until they succeed (at most 60 s apart).
  int action_max_attempts = 0;
  // The planner offers a task's job only to the top-k vehicles by passes of its site in the last
  // `tilsyn coverage` report (<data_dir>/coverage/coverage.json); all vehicles when there is no
  // history for the site. 0 = always all vehicles.
  int coverage_top_k = 10;
  // The coverage run inside the server (server/coverage_schedule.h): "HH:MM" daily in
  // coverage_time_zone, by processes that run the pipeline; "" = only by hand (`tilsyn coverage`).
  std::string coverage_schedule;
  std::string coverage_time_zone = "Europe/Copenhagen";
  int64_t action_base_backoff_ms = 500;
  // false = an API-only instance: uploads are stored, another instance (or a restart) assesses
  // them. TILSYN_RUN_PIPELINE=0.
  bool run_pipeline = true;
  // What this process does (docs/scale.md): "all" (API and pipeline, the single-machine
  // default), "api" (the API only, as run_pipeline = false) or "worker" (the pipeline's loops;
  // its HTTP port answers only /healthz and /readyz). --role, TILSYN_ROLE.
  std::string role = "all";
  // This worker's name on the database's leases: stable across restarts, distinct per worker
  // process. "" = <host name>:<absolute data_dir>. TILSYN_WORKER_NAME.
  std::string worker_name;
  bool RunsPipeline() const { return run_pipeline && role != "api"; }
  // Where the server's anonymization pass over an upload runs (privacy invariant 2): "worker"
  // (the default: the upload waits encrypted in a quarantine no endpoint reads, and the
  // pipeline's assessment loop anonymizes and replaces it, so the API answers at once) or
  // "request" (before the upload is answered). TILSYN_ANONYMIZE_UPLOADS.
  std::string anonymize_uploads = "worker";
  // Pipeline threads per loop (docs/scale.md): assessment (anonymization pass, recognition,
  // rule) and action delivery; retention has one. TILSYN_ASSESS_THREADS, TILSYN_ACTION_THREADS.
  int assess_threads = 1;
  int action_threads = 2;
  // The built web UI (index.html + assets/), served at / and /assets/. "" = resolved at start-up
  // to <folder of the binary>/../../web/dist (build/bin/tilsyn → <repo>/web/dist). TILSYN_WEB_DIR.
  std::string web_dir;
  // Base map tiles for the web UI's maps ({z}/{x}/{y} template); "" = no tiles (a plain
  // background, e.g. offline). TILSYN_TILE_URL (may be set to empty).
  std::string tile_url = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  // Encryption at rest (invariant 6; docs/privacy.md). Keys are 32 bytes, hex or base64, and
  // come from here or TILSYN_IMAGE_KEYS / TILSYN_IMAGE_KEY / TILSYN_IMAGE_KEY_ID; never from the
  // database. image_keys = "id1:key1,id2:key2" (a keyring: reads accept any, writes use
  // image_key_id, default the last listed); image_key = one key (id image_key_id, default "k1").
  std::string image_keys;
  std::string image_key;
  std::string image_key_id;
  // Without a key the server refuses to start, unless this is set (`--dev-generate-key`, the
  // demo): then a random key is kept in <data_dir>/dev-image.key (mode 0600) — development only.
  bool dev_generate_key = false;
  // Test hook (environment only, TILSYN_CRASH_AFTER_ASSESSMENTS_FOR_TEST): the process exits
  // abruptly after this many assessments, to prove that a restart finishes the work. -1 = off.
  int crash_after_assessments_for_test = -1;
  // Test hook (environment only, TILSYN_CRASH_AFTER_ACTION_SUCCESSES_FOR_TEST): the process
  // exits abruptly after this many delivered actions, before their success is recorded. -1 = off.
  int crash_after_action_successes_for_test = -1;
  // Location data are the drivers' personal data (docs/privacy.md): an observation's position,
  // heading, speed and vehicle are erased this many days after capture once its image is gone
  // (never while the task is on legal hold), and GPS history days older than gps_history_days
  // are deleted at each import and coverage run. 0 = kept.
  int location_retention_days = 90;
  int gps_history_days = 180;
  // The pilot's evaluation (GET /api/v1/evaluation): where inspectors would drive from, "lat,lon";
  // "" = the "driving saved" figure is not computed.
  std::string pilot_depot;
  // How often an open case in a case system (Open311) is asked for its status, in seconds.
  int case_follow_up_s = 900;
  // How often active tasks are checked for sites nobody visits (their "unvisited" actions,
  // server/unvisited_actions.h), in seconds.
  int visit_check_s = 600;
  // Recognition services and routing (recognition/service_config.h, docs/recognition.md), kept
  // as JSON here and validated against the recognizer registry at start-up. null = defaults.
  Json recognizers = nullptr;
  Json routing = nullptr;
  // The SMTP server of `email` actions (server/smtp_config.h, docs/api.md): {"url":
  // "smtp://mail.example:587", "from": "tilsyn@example.dk", "username": "…", "tls":
  // "starttls"|"try"|"none", "ca_file": "…"}; the password from TILSYN_SMTP_PASSWORD (or
  // "password"). null = no e-mail actions.
  Json smtp = nullptr;
  // The web UI's public base URL, for links in e-mails ("" = no link).
  std::string web_url;
  // HTTPS: PEM certificate chain and key (both, or neither for plain HTTP, which is for loopback
  // development only).
  std::string tls_cert, tls_key;
  // mTLS for vehicles: a PEM CA that signs the vehicles' client certificates. With it, a vehicle
  // token is accepted only over a connection whose verified client certificate names that
  // vehicle (common name = the vehicle's id): a stolen token alone is useless. People's tokens
  // (the web UI) need no certificate. Needs tls_cert. "" = tokens alone.
  std::string tls_client_ca;

  // InvalidArgument naming the field.
  Status Validate() const;
  static Result<ServerConfig> FromJson(const Json& j);
  Json ToJson() const;
};

}  // namespace tilsyn::server
