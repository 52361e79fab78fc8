// Sites nobody visits can trigger an action: an active task with `revisit_days` and an action
// whose `on` lists "unvisited" gets one action run per such action and overdue period when its
// site has had no observation in time (server/visits.h), delivered like any other run (log,
// webhook, e-mail, Open311). The run belongs to no assessment; its payload names the task, the
// site's centre, since when the visit is due, the last observation and the coverage reason.
//
// The idempotency key is "<task id>:unvisited:<due since, ms>:<action index>", so a check that
// runs again (on this or another worker) queues nothing new until a visit resets the period and
// it passes once more. Thread-safe as the store.
#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "coverage/coverage_output.h"
#include "store/store.h"

namespace tilsyn::server {

// The runs one task's "unvisited" actions get at `now` (empty when the site is not overdue or
// the task has no such action). `coverage` may be nullptr (no report: reason no_coverage);
// `top_k` is the planner's coverage_top_k (for the reason).
std::vector<store::ActionRunRecord> UnvisitedRuns(const tasks::Task& task,
                                                  std::optional<TimeMs> last_capture, TimeMs now,
                                                  const coverage::CoverageCache* coverage,
                                                  int top_k = 0);

// Checks every active task and queues the runs of those overdue. Returns how many were new.
Result<int> QueueUnvisitedActions(store::Store* store, const coverage::CoverageCache* coverage,
                                  TimeMs now, int top_k = 0);

}  // namespace tilsyn::server
