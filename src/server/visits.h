// Sites nobody visits: an active task with `revisit_days` whose site has had no observation for
// longer than that (counted from the latest capture, or from the start of its validity) is
// flagged, with the likely reason from the last coverage report (coverage/coverage_output.h):
// not analysed yet, no vehicle passes the site, vehicles pass only outside the task's time
// windows, the vehicles passing within them are deselected (the planner offers the job to the
// top_k that pass most, and those pass outside the windows), or vehicles pass but none captured
// (they stopped, or their camera failed). Pure function; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/json_util.h"
#include "tasks/task.h"

namespace tilsyn::server {

struct VisitStatus {
  bool overdue = false;
  TimeMs due_since_ms = 0;  // when the wanted visit became due
  // no_coverage | no_vehicle_passes | outside_windows | vehicles_deselected | not_captured
  std::string reason_code;
  std::string reason;  // in words
  Json ToJson(const std::optional<TimeMs>& last_capture) const;
};

// `site` is the task's entry of the coverage report (nullopt = not analysed; `has_report` says
// whether any report exists); `top_k` the planner's coverage_top_k (0 = every vehicle is
// offered every job).
VisitStatus CheckVisit(const tasks::Task& task, std::optional<TimeMs> last_capture, TimeMs now,
                       const std::optional<Json>& site, bool has_report, int top_k = 0);

}  // namespace tilsyn::server
