// Schedule <-> JSON, shared by tasks and capture jobs. Windows are written
// {"weekday": 0..6, "start": "HH:MM", "end": "HH:MM"} ("24:00" allowed as an end).
#pragma once

#include "core/json_util.h"
#include "tasks/task.h"

namespace tilsyn::tasks {

Result<Schedule> ScheduleFromJson(const Json& j, std::string_view path);
Json ScheduleToJson(const Schedule& s);

}  // namespace tilsyn::tasks
