// Coverage: for every task site, which vehicles pass it, how often (passes per day and week over
// the history period), when (24-bin time-of-day profile, in a configured time zone), how fast
// (median of the per-pass median speeds) and on which lane (roadway vs cycle track: every fix of
// a pass votes for the kind of the nearest network segment within lane_snap_m; the pass takes
// the majority, its confidence is the vote share). Pass detection streams one vehicle-day at a
// time from a PositionHistory through the grid geofence index, on worker threads, so memory is
// bounded by the per-(site, vehicle) aggregates, not by the number of fixes.
// A pass is a run of fixes of one vehicle inside one site with no gap longer than pass_gap_ms
// between consecutive inside fixes; passes are cut at UTC midnight (each day is read alone).
// ComputeCoverage is thread-safe; options.progress is called from worker threads.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/result.h"
#include "coverage/history/position_history.h"
#include "coverage/network/street_network.h"
#include "geo/geofence.h"

namespace tilsyn::coverage {

struct Site {
  std::string id;    // the task id
  std::string name;  // the task title
  geo::Geofence fence;
};

struct CoverageOptions {
  int threads = 0;                 // 0: hardware concurrency
  TimeMs pass_gap_ms = 60'000;     // outside longer than this ends a pass
  TimeMs max_speed_gap_ms = 10'000;  // speed is derived only between fixes this close
  double lane_snap_m = 15.0;       // network segments farther than this do not vote
  const StreetNetwork* network = nullptr;  // built; nullptr or empty: lane "unknown"
  std::string time_zone = "UTC";   // for the time-of-day profile and weeks
  int64_t from_day = std::numeric_limits<int64_t>::min();  // inclusive UTC day numbers
  int64_t to_day = std::numeric_limits<int64_t>::max();
  // Called now and then with (vehicle-days done, vehicle-days total, fixes read so far).
  std::function<void(int64_t, int64_t, int64_t)> progress;
};

struct LaneEstimate {
  std::string lane = "unknown";  // "roadway", "cycle_track" or "unknown" (no votes)
  double confidence = 0;         // mean vote share of the passes that agree with `lane`,
                                 // times the share of voting passes that agree
  std::array<int64_t, kLaneKinds> passes{};  // passes whose majority was each kind
  int64_t unknown_passes = 0;    // passes without any vote
};

struct VehicleCoverage {
  std::string vehicle;
  int64_t passes = 0;
  int64_t days_with_pass = 0;
  int64_t weeks_with_pass = 0;
  double passes_per_day = 0;   // passes / days in the period
  double passes_per_week = 0;  // passes / (days in the period / 7)
  std::array<int64_t, 24> hour_profile{};  // passes by local hour of their start
  double median_speed_kmh = -1;            // -1: unknown (no speed)
  LaneEstimate lane;
};

struct SiteCoverage {
  std::string site_id, name;
  geo::LatLon anchor;
  int64_t passes = 0;
  double passes_per_day = 0, passes_per_week = 0;
  std::array<int64_t, 24> hour_profile{};
  double median_speed_kmh = -1;
  LaneEstimate lane;
  std::vector<VehicleCoverage> vehicles;  // most passes first, then by name
};

struct CoverageReport {
  int64_t first_day = 0, last_day = 0;  // UTC day numbers of the period (with data)
  int64_t period_days = 0;              // distinct days with any history
  int64_t vehicles = 0, vehicle_days = 0, fixes = 0, passes = 0;
  std::string time_zone;
  std::vector<SiteCoverage> sites;  // in the order given
};

Result<CoverageReport> ComputeCoverage(const PositionHistory& history, const std::vector<Site>& sites,
                                       const CoverageOptions& options);

// Lane vote of one pass: the kind with most votes and its share; nullopt kind when no votes.
struct PassLane {
  int kind = -1;  // -1 none, else LaneKind
  double share = 0;
};
PassLane VotePass(const std::array<int64_t, kLaneKinds>& votes);
// The vote of one fix: the kind of the nearest segment within `max_m`, or -1.
int VoteFix(const StreetNetwork& net, geo::LatLon p, double max_m);

}  // namespace tilsyn::coverage
