// FenceFilter: the non-spatial conditions a fence match must also meet — a validity period,
// weekly time windows in a named time zone (DST-correct, via the tz database), and a heading limit
// with wrap-around (350° ± 20° accepts 5°). QueryPoint: what an index is asked about (position,
// optionally time and heading; a missing value skips the matching condition, as in
// tasks::CheckCapture). Immutable values; thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "geo/latlon.h"

namespace tilsyn::geo {

struct QueryPoint {
  LatLon pos;
  std::optional<TimeMs> time;
  std::optional<double> heading_deg;
};

struct FenceWindow {
  int weekday = 0;        // 0 = Monday … 6 = Sunday, local time
  int start_minute = 0;   // inclusive, 0 … 1439
  int end_minute = 1440;  // exclusive
};

struct FenceFilter {
  TimeMs valid_from = std::numeric_limits<TimeMs>::min();  // inclusive
  TimeMs valid_to = std::numeric_limits<TimeMs>::max();    // exclusive
  std::string time_zone = "Europe/Copenhagen";
  std::vector<FenceWindow> windows;  // empty = any time within validity
  std::optional<double> heading_deg;
  double heading_tolerance_deg = 180;

  // True when a time-less, heading-less query always passes (the common, fast case).
  bool Trivial() const {
    return windows.empty() && !heading_deg && valid_from == std::numeric_limits<TimeMs>::min() &&
           valid_to == std::numeric_limits<TimeMs>::max();
  }
  bool AllowsTime(TimeMs t) const;  // validity and windows; an unknown zone yields false
  bool AllowsHeading(double heading_deg) const;
  bool Allows(const QueryPoint& q) const {
    if (q.heading_deg && !AllowsHeading(*q.heading_deg)) return false;
    if (q.time && !AllowsTime(*q.time)) return false;
    return true;
  }
};

}  // namespace tilsyn::geo
