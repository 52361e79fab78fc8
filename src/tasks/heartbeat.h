// Heartbeat: what a vehicle agent reports about itself every minute (issue 14's fleet view):
// its last GPS fix and accuracy, its camera's state, its outbox (depth and oldest waiting age),
// the settings version it runs and any it could not apply, its software version and its clock's
// offset against GPS time. The agent sends it as JSON to POST /api/v1/heartbeat; the server keeps
// the newest (and the one before, to see a trend) per vehicle. Plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/result.h"

namespace tilsyn::tasks {

struct HeartbeatFix {
  double lat = 0, lon = 0;
  std::optional<double> accuracy_m;
  TimeMs time = 0;  // the fix's own (GPS) time
};

struct Heartbeat {
  TimeMs sent_at = 0;                      // the agent's clock
  std::string software_version;            // e.g. "0.9.0"
  int64_t config_version = 0;              // remote settings version it runs (0 = none yet)
  std::string config_error;                // why the newest settings were not applied ("" = fine)
  std::optional<HeartbeatFix> fix;         // none yet (waiting for GPS)
  std::string camera;                      // connecting|streaming|stale|reconnecting|stopped|replay
  int64_t outbox_depth = 0;                // observations waiting for upload
  double outbox_oldest_age_s = 0;          // the oldest one's age (0 when empty)
  int64_t outbox_dropped = 0;              // dropped beyond the outbox caps since the agent started
  std::optional<int64_t> clock_offset_ms;  // system clock − GPS time at the last fix (live GPS)
};

// The camera states an agent reports.
bool IsCameraState(const std::string& s);

Json HeartbeatToJson(const Heartbeat& h);
// InvalidArgument naming the member (e.g. "fix.lat", "camera") on a bad body.
Result<Heartbeat> HeartbeatFromJson(const Json& j);

}  // namespace tilsyn::tasks
