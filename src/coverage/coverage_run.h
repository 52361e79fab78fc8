// One coverage run over an install (what `tilsyn coverage` and the server's nightly schedule
// both do): the active tasks' sites, the street network and the GPS history of `data_dir` →
// the report in <data_dir>/coverage/coverage.json, and the capture jobs of the tasks whose
// ranking of passing vehicles changed get a new version, so every agent syncs them again and
// learns whether it is still offered the job (or was deselected). A ranking is the vehicles that
// pass a site ordered by passes (the planner offers the top-k of it): an unchanged ranking leaves
// every top-k unchanged, whatever k the server uses. Thread-compatible.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "coverage/coverage_engine.h"
#include "store/store.h"

namespace tilsyn::coverage {

struct CoverageRunOptions {
  std::string data_dir;
  std::string time_zone = "Europe/Copenhagen";
  int threads = 0;
  double lane_snap_m = 15;
  // Progress of the engine (done, total vehicle-days, fixes so far); may be empty.
  std::function<void(int64_t, int64_t, int64_t)> progress;
};

struct CoverageRunResult {
  CoverageReport report;
  std::vector<Site> sites;  // in the report's order
  size_t network_segments = 0;
  std::vector<std::string> reoffered;  // task ids whose job got a new version
};

// The active tasks' sites (paged through the store).
Result<std::vector<Site>> ActiveTaskSites(store::Store& store);

Result<CoverageRunResult> RunCoverageOnce(store::Store& store, const CoverageRunOptions& o);

// Task ids whose ranking differs between two reports (ReportToJson documents; `before` may be
// null when there was no report): sites added, removed or re-ranked.
std::vector<std::string> ChangedRankings(const Json& before, const Json& after);

}  // namespace tilsyn::coverage
