// `tilsyn demo`: the main job. Starts the server on SQLite in a data directory (or on an empty
// PostgreSQL database), creates the
// default scenario through the HTTP API (tasks of kinds presence, absence and count, three
// vehicles), runs one tilsyn-agent process per vehicle at accelerated time, waits until every
// observation is assessed and every action delivered, and prints a summary of the nine steps.
#pragma once

#include <cstdint>
#include <string>

#include "core/json_util.h"

namespace tilsyn::demo {

struct DemoOptions {
  std::string data_dir = "demo-data";  // server/, agents/, scenario/ and logs/ go here
  std::string database;                // "" = SQLite in data_dir/server; else an empty PostgreSQL
  bool json = false;                   // print the summary as one JSON object
  bool serve = false;                  // keep the server running afterwards
  uint16_t port = 0;                   // 0 = any free port (8080 when serving and unset)
  double speed = 20;                   // GPS replay acceleration
  int timeout_s = 300;                 // give up waiting after this long
  std::string agent_binary;            // default: tilsyn-agent next to this executable
};

// Runs the demo; returns the process exit code (0 on success).
int RunDemo(const DemoOptions& options);

}  // namespace tilsyn::demo
