#include "actions/run_payload.h"

#include "core/time_format.h"

namespace tilsyn::actions {

Json CloudEvent(const std::string& idempotency_key, const std::string& task_id,
                const std::string& type, const std::string& subject, TimeMs time, Json data) {
  return {{"specversion", "1.0"},
          {"id", idempotency_key},
          {"source", "/tilsyn/tasks/" + task_id},
          {"type", type},
          {"subject", subject},
          {"time", FormatIso8601(time)},
          {"datacontenttype", "application/json"},
          {"data", std::move(data)}};
}

void AddressEmail(const tasks::ActionSpec& spec, const tasks::Task& task,
                  store::ActionRunRecord* run) {
  run->target.clear();
  for (const std::string& to : spec.to) run->target += (run->target.empty() ? "" : ",") + to;
  run->payload["language"] = spec.language;
  run->payload["time_zone"] = task.schedule.time_zone;
}

}  // namespace tilsyn::actions
