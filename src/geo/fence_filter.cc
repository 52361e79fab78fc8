#include "geo/fence_filter.h"

#include "core/time_format.h"

namespace tilsyn::geo {

bool FenceFilter::AllowsTime(TimeMs t) const {
  if (t < valid_from || t >= valid_to) return false;
  if (windows.empty()) return true;
  auto local = ToLocal(t, time_zone);
  if (!local.ok()) return false;
  for (const FenceWindow& w : windows) {
    if (w.weekday == local->weekday && local->minute_of_day >= w.start_minute &&
        local->minute_of_day < w.end_minute) {
      return true;
    }
  }
  return false;
}

bool FenceFilter::AllowsHeading(double h) const {
  if (!heading_deg) return true;
  return HeadingDiffDeg(*heading_deg, h) <= heading_tolerance_deg;
}

}  // namespace tilsyn::geo
