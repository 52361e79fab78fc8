// ServerConfig: everything `tilsyn serve` needs, parsed once at the edge from a JSON file,
// TILSYN_* environment variables and flags (server/cli.h) and passed down by const ref.
#pragma once

#include <cstdint>
#include <string>

#include "core/json_util.h"
#include "core/status.h"

namespace tilsyn::server {

struct ServerConfig {
  std::string listen = "127.0.0.1";      // listen address (loopback by default)
  uint16_t port = 8080;                  // 0 = any free port
  std::string data_dir = "tilsyn-data";  // SQLite database and image folder live here
  size_t max_body_bytes = 8u << 20;      // larger uploads get 413
  int http_threads = 2;
  int pipeline_poll_ms = 500;
  std::string cascade_dir = "/usr/share/opencv4/haarcascades";  // opencv-data
  int webhook_timeout_ms = 5000;
  int action_max_attempts = 6;
  int64_t action_base_backoff_ms = 500;
  // false = an API-only instance: uploads are stored, another instance (or a restart) assesses
  // them. TILSYN_RUN_PIPELINE=0.
  bool run_pipeline = true;
  // Test hook (environment only, TILSYN_CRASH_AFTER_ASSESSMENTS_FOR_TEST): the process exits
  // abruptly after this many assessments, to prove that a restart finishes the work. -1 = off.
  int crash_after_assessments_for_test = -1;

  // InvalidArgument naming the field.
  Status Validate() const;
  static Result<ServerConfig> FromJson(const Json& j);
  Json ToJson() const;
};

}  // namespace tilsyn::server
