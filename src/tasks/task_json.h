// Task <-> JSON. TaskFromJson validates everything an inspector can get wrong and names the field
// in the error (e.g. "area.coordinates", "schedule.valid_to", "targets"). Server-owned fields
// (id, status, revision, owner, times) in the input are ignored.
#pragma once

#include "core/json_util.h"
#include "tasks/task.h"

namespace tilsyn::tasks {

Result<Task> TaskFromJson(const Json& j);
// Webhook secrets are omitted unless `include_secrets` (storage uses true, the API false).
Json TaskToJson(const Task& t, bool include_secrets = false);

}  // namespace tilsyn::tasks
