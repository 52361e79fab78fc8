// PositionHistory: the seam GPS history is stored behind — fixes of many vehicles over months,
// addressed by (vehicle, UTC day). The embedded default keeps one columnar, delta-encoded and
// compressed file per vehicle and day (dir_position_history.h); a PostgreSQL table keyed the
// same way can implement it later. Coverage reads one vehicle-day at a time, so memory stays
// bounded by a day of one vehicle. Implementations must allow concurrent ReadDay calls; Append
// is serialised by the caller.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "geo/latlon.h"

namespace tilsyn::coverage {

// One stored fix: time and position only (speed and heading are derived from neighbours).
struct HistoryFix {
  TimeMs time = 0;
  geo::LatLon pos;
};

constexpr int64_t kDayMs = 86'400'000;
// UTC day number (days since 1970-01-01) of `t`.
inline int64_t DayOf(TimeMs t) { return t >= 0 ? t / kDayMs : (t - kDayMs + 1) / kDayMs; }

class PositionHistory {
 public:
  virtual ~PositionHistory() = default;
  // Adds fixes of `vehicle` (any order); merged with what is stored, sorted by time, a fix at a
  // time already stored replaces it.
  virtual Status Append(const std::string& vehicle, std::span<const HistoryFix> fixes) = 0;
  // All vehicles with history, sorted.
  virtual Result<std::vector<std::string>> Vehicles() const = 0;
  // The UTC days (DayOf) with history for `vehicle`, ascending.
  virtual Result<std::vector<int64_t>> Days(const std::string& vehicle) const = 0;
  // The fixes of one vehicle-day in time order, replacing `out`'s content (reuses its capacity).
  virtual Status ReadDay(const std::string& vehicle, int64_t day,
                         std::vector<HistoryFix>* out) const = 0;
  // Removes one vehicle-day (Ok when there is none): retention of location data.
  virtual Status DeleteDay(const std::string& vehicle, int64_t day) = 0;
};

// Location retention (docs/privacy.md): deletes every vehicle-day before `first_kept_day`;
// returns how many went.
Result<int64_t> DeleteHistoryBefore(PositionHistory& history, int64_t first_kept_day);

}  // namespace tilsyn::coverage
