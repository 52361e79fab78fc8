// What an action run carries, shared by the runs of assessments (pipeline/pipeline.cc) and of
// sites nobody visits (server/unvisited_actions.h): the CloudEvents 1.0 envelope of a webhook
// and the addressing of an e-mail. Pure functions; thread-safe.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/json_util.h"
#include "store/records.h"
#include "tasks/task.h"

namespace tilsyn::actions {

// A CloudEvents 1.0 event in structured JSON mode around `data`: the id is the run's
// idempotency key (a redelivered event is recognisably the same event), the source the task.
Json CloudEvent(const std::string& idempotency_key, const std::string& task_id,
                const std::string& type, const std::string& subject, TimeMs time, Json data);

// Completes an `email` run of `spec`: its recipients as the target (shown in the action log),
// the message's language and the task's time zone (for the times it names) in the payload.
void AddressEmail(const tasks::ActionSpec& spec, const tasks::Task& task,
                  store::ActionRunRecord* run);

}  // namespace tilsyn::actions
