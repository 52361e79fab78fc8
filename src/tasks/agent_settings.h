// AgentSettings: the part of a vehicle agent's configuration that the server may change remotely
// (issue 14: anonymizer detectors, outbox caps, camera settings, upload windows, accuracy and
// staleness limits). The server keeps one versioned document for the fleet and sends it with the
// job sync; an agent applies it without a restart and reports the version it runs in its
// heartbeat. Everything else (server URL, token, keys, GPS and camera sources, data folder) stays
// local: a server must not be able to redirect a vehicle or read its keys.
// Free functions on JSON; thread-safe.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/result.h"

namespace tilsyn::tasks {

// The keys a settings document may hold (the agent config's names, agent/agent_config.h).
const std::set<std::string>& RemoteAgentSettingKeys();

// Checks a settings document: an object whose members are remote keys with values of the right
// type and range (e.g. "jpeg_quality" 1..100, "upload_windows" ["22:00-06:00", …]).
// InvalidArgument naming the member ("settings.jpeg_quality", "settings.upload_windows[1]").
// Detector names are checked only as strings here; the server and the agent check them against
// the detectors they know.
Status ValidateAgentSettings(const Json& settings);

// A daily period "HH:MM-HH:MM" in local time; one that ends before it starts runs over midnight
// ("22:00-06:00"); "00:00-24:00" is the whole day.
struct UploadWindow {
  int from_minute = 0;  // 0 … 1439
  int to_minute = 0;    // 1 … 1440
};
Result<UploadWindow> ParseUploadWindow(const std::string& text);

// Whether `t` falls in one of `windows` in time zone `tz` (an empty list = always). Windows that
// fail to parse, or an unknown zone, count as "always": a bad setting must not stop uploads (the
// settings are validated before they are sent).
bool InUploadWindow(const std::vector<std::string>& windows, const std::string& tz, TimeMs t);

}  // namespace tilsyn::tasks
