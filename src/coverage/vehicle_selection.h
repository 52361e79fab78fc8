// Vehicle selection for the planner: a task's job is offered only to the vehicles that pass its
// site — the top_k by pass count (ties by name) in the last coverage report. Fallback to all
// vehicles (nullopt) when top_k <= 0, when there is no report, when the report has no entry for
// the task (e.g. created after the last `tilsyn coverage`), or when no vehicle of the history
// passes the site (a restriction to nobody would silently stop the task). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "coverage/coverage_output.h"

namespace tilsyn::coverage {

// The selected vehicles for one coverage site entry (SiteToJson), or nullopt for "all".
std::optional<std::vector<std::string>> SelectVehicles(const std::optional<Json>& site, int top_k);
// Same, reading the cache.
std::optional<std::vector<std::string>> SelectVehicles(const CoverageCache* cache,
                                                       const std::string& task_id, int top_k);

// Whether `vehicle` may deliver a capture taken at `captured_ms` for the task: it is selected
// now, or every vehicle is, or the capture is older than the current report (an earlier
// selection may have offered it the job then: nothing a vehicle was entitled to is lost).
bool OfferedAt(const CoverageCache* cache, const std::string& task_id, const std::string& vehicle,
               int top_k, TimeMs captured_ms);

}  // namespace tilsyn::coverage
