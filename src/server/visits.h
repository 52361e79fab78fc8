// Sites nobody visits: an active task with `revisit_days` whose site has had no observation for
// longer than that (counted from the latest capture, or from the start of its validity) is
// flagged, with the likely reason from the last coverage report (coverage/coverage_output.h):
// not analysed yet, no vehicle passes the site, vehicles pass only outside the task's time
// windows, or vehicles pass but none captured (the job was not offered to them, or they
// stopped). Pure function; thread-safe.
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
  std::string reason_code;  // no_coverage | no_vehicle_passes | outside_windows | not_captured
  std::string reason;       // in words
  Json ToJson(const std::optional<TimeMs>& last_capture) const;
};

// `site` is the task's entry of the coverage report (nullopt = not analysed; `has_report` says
// whether any report exists).
VisitStatus CheckVisit(const tasks::Task& task, std::optional<TimeMs> last_capture, TimeMs now,
                       const std::optional<Json>& site, bool has_report);

}  // namespace tilsyn::server
