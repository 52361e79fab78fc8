// "log": the assessment as one JSON log line — the "all OK" record of step 8.
#include "actions/action.h"
#include "core/log.h"

namespace tilsyn::actions {
namespace {

class LogAction : public Action {
 public:
  AttemptResult Attempt(const store::ActionRunRecord& run) override {
    LogInfo("action_log", {{"action_run_id", run.id},
                           {"idempotency_key", run.idempotency_key},
                           {"payload", run.payload}});
    return AttemptResult{};
  }
};

}  // namespace

std::unique_ptr<Action> NewLogAction() { return std::make_unique<LogAction>(); }

}  // namespace tilsyn::actions
