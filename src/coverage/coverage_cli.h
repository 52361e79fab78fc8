// The coverage subcommands' bodies (apps/tilsyn/main.cc only parses flags):
//   tilsyn import gps FILES… --vehicle NAME [--format F] [--csv-columns SPEC] [--time-format F]
//   tilsyn import network FILES… (--kind roadway|cycle_track | --kind-map SPEC) [--replace]
//   tilsyn coverage [--csv FILE] [--geojson FILE] [--time-zone TZ] [--threads N]
// All work in --data-dir: history/ (columnar day files), network/segments.txt and
// coverage/coverage.json (read by the server's API and planner). Return process exit codes
// (0 ok, 1 failure, 2 bad usage). Progress goes to stderr, the summary to stdout.
#pragma once

#include <string>
#include <vector>

#include "coverage/coverage_engine.h"
#include "store/store.h"

namespace tilsyn::coverage {

struct ImportGpsFlags {
  std::vector<std::string> files;
  std::string data_dir = "tilsyn-data";
  std::string vehicle, format = "auto", csv_columns, time_format = "iso8601";
  bool json = false;
};
int RunImportGps(const ImportGpsFlags& flags);

struct ImportNetworkFlags {
  std::vector<std::string> files;
  std::string data_dir = "tilsyn-data";
  std::string kind, kind_map;
  bool replace = false;  // drop the stored network first
};
int RunImportNetwork(const ImportNetworkFlags& flags);

struct CoverageFlags {
  std::string data_dir = "tilsyn-data";
  std::string database;  // "" = TILSYN_DATABASE_URL, else SQLite in data_dir
  std::string csv, geojson;
  std::string time_zone = "Europe/Copenhagen";
  int threads = 0;
  double lane_snap_m = 15;
  bool json = false;  // print the whole report on stdout
};
int RunCoverage(const CoverageFlags& flags);

// Sites of all active tasks in `store` (their geofences).
std::string HistoryDir(const std::string& data_dir);
std::string NetworkFile(const std::string& data_dir);

}  // namespace tilsyn::coverage
