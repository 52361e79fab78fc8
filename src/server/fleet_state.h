// FleetState: a vehicle's state for the fleet view, from its newest heartbeat and the one before
// (tasks/heartbeat.h), with the warnings an operator acts on:
//   silent          no heartbeat for longer than `silent_after_ms` (or never one)
//   no_fix          the agent has no GPS fix, or its last is older than `fix_max_age_ms`
//   camera          the camera is reconnecting, stale or stopped
//   outbox_growing  observations wait longer than `outbox_max_age_s`, or the outbox grew since
//                   the previous heartbeat and its oldest entry waits longer than
//                   `outbox_grow_age_s`
//   config_error    the agent could not apply the newest settings
// Pure function of its arguments; thread-safe.
#pragma once

#include "core/clock.h"
#include "core/json_util.h"
#include "store/records.h"

namespace tilsyn::server {

struct FleetLimits {
  int64_t silent_after_ms = 10 * 60'000;  // 10 heartbeats missed at the agent's default pace
  int64_t fix_max_age_ms = 2 * 60'000;
  double outbox_grow_age_s = 600;
  double outbox_max_age_s = 3600;
};

// {"heartbeat": {…} | null, "received_at": RFC 3339 | null, "warnings": ["silent", …]}.
Json FleetState(const store::Vehicle& v, TimeMs now, const FleetLimits& limits = {});

}  // namespace tilsyn::server
