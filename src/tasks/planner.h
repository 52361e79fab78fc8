// Planner: turns a task into the capture job offered to vehicles, and checks a capture against a
// job — the same check the agent's trigger uses before capturing and the server uses to refuse an
// observation that matches no active job (privacy invariant 1). Stateless; thread-safe.
#pragma once

#include <optional>

#include "core/result.h"
#include "geo/latlon.h"
#include "tasks/capture_job.h"
#include "tasks/task.h"

namespace tilsyn::tasks {

// The job for `task`: active exactly when the task is active. Version is left 0 for the store.
CaptureJob PlanJob(const Task& task);

// True when `t` is within the validity period and inside one of the weekly windows (in the
// schedule's time zone, DST-correct). An unknown time zone yields false.
bool InSchedule(const Schedule& s, TimeMs t);

struct CaptureFix {
  TimeMs time = 0;
  geo::LatLon pos;
  std::optional<double> heading_deg;
  std::optional<double> speed_kmh;
};

// Ok when a capture at `fix` is allowed by `job`; FailedPrecondition naming the violated field
// ("job" inactive, "captured_at" outside validity/window, "position" outside the geofence,
// "speed_kmh", "heading_deg") otherwise.
Status CheckCapture(const CaptureJob& job, const CaptureFix& fix);

}  // namespace tilsyn::tasks
