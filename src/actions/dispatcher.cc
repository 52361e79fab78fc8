#include <algorithm>
#include <cstdlib>
#include <random>

#include "actions/action.h"
#include "core/log.h"
#include "core/retry_policy.h"
#include "core/time_format.h"

namespace tilsyn::actions {
namespace {

// base * 2^(attempts-1), capped, then ±25% jitter so retries of many runs spread out.
int64_t Backoff(const DispatcherOptions& o, int attempts) {
  const RetryPolicy policy{.base_ms = o.base_backoff_ms, .cap_ms = o.max_backoff_ms};
  const double ms = static_cast<double>(policy.DelayMs(attempts));
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.75, 1.25);
  return std::max<int64_t>(1, static_cast<int64_t>(ms * jitter(rng)));
}

}  // namespace

Dispatcher::Dispatcher(store::ActionRunStore* store, Clock* clock, DispatcherOptions options)
    : store_(store), clock_(clock), options_(options) {}

void Dispatcher::Register(const std::string& type, std::unique_ptr<Action> action) {
  actions_[type] = std::move(action);
}

Result<int> Dispatcher::RunDue(int limit, const std::atomic<bool>* stop) {
  int attempted = 0;
  while (attempted < limit && (stop == nullptr || !stop->load())) {
    // The attempt is recorded before it is made: a crash while the receiver answers leaves a
    // visible attempt without a result, and the run is retried after its backoff (at least
    // once; receivers de-duplicate with the idempotency key). Taking it from the queue is the
    // claim: another worker makes no second attempt.
    const TimeMs started = clock_->NowMs();
    TILSYN_ASSIGN_OR_RETURN(std::optional<store::ActionRunRecord> claimed,
                            store_->ClaimNextActionRun(started, [&](store::ActionRunRecord& run) {
                              run.attempts += 1;
                              if (!run.attempt_log.is_array()) run.attempt_log = Json::array();
                              run.attempt_log.push_back({{"at", FormatIso8601(started)},
                                                         {"idempotency_key", run.idempotency_key},
                                                         {"state", "started"}});
                              run.next_attempt_ms = started + Backoff(options_, run.attempts);
                              run.updated_ms = started;
                            }));
    if (!claimed) break;
    store::ActionRunRecord& run = *claimed;
    auto it = actions_.find(run.type);
    AttemptResult result;
    if (it == actions_.end()) {
      result.error = "no action registered for type '" + run.type + "'";
      result.retryable = false;
    } else {
      result = it->second->Attempt(run);
    }
    ++attempted;
    if (result.error.empty() && options_.crash_after_successes_for_test >= 0 &&
        ++successes_ >= options_.crash_after_successes_for_test) {
      std::_Exit(87);  // simulated crash: the receiver has it, the store does not know
    }
    const TimeMs now = clock_->NowMs();
    Json& entry = run.attempt_log.back();
    entry["state"] = result.error.empty() ? "succeeded" : "failed";
    entry["status_code"] = result.status_code;
    entry["error"] = result.error;
    entry["finished_at"] = FormatIso8601(now);
    run.updated_ms = now;
    if (!result.result.is_null()) {
      run.result = result.result;
      entry["result"] = result.result;
    }
    if (result.error.empty()) {
      run.status = store::ActionStatus::kSucceeded;
      run.last_error.clear();
    } else {
      run.last_error = result.error;
      const bool exhausted = options_.max_attempts > 0 && run.attempts >= options_.max_attempts;
      if (!result.retryable || exhausted) {
        run.status = store::ActionStatus::kFailed;
        LogWarn("action_failed", {{"action_run_id", run.id},
                                  {"type", run.type},
                                  {"attempts", run.attempts},
                                  {"error", result.error}});
      } else {
        run.next_attempt_ms = now + Backoff(options_, run.attempts);
      }
    }
    TILSYN_RETURN_IF_ERROR(store_->UpdateActionRun(run));
  }
  return attempted;
}

Result<int> Dispatcher::FollowUp(TimeMs every_ms, int limit) {
  int asked = 0;
  for (const auto& [type, action] : actions_) {
    if (!action->FollowsUp()) continue;
    TILSYN_ASSIGN_OR_RETURN(std::vector<store::ActionRunRecord> runs,
                            store_->ActionRunsToFollow(type, clock_->NowMs() - every_ms, limit));
    for (store::ActionRunRecord& run : runs) {
      ++asked;
      Result<Json> state = action->FollowUp(run);
      const TimeMs now = clock_->NowMs();
      if (state.ok()) {
        run.result = *state;
      } else {
        run.result["follow_up_error"] = state.status().ToString();
      }
      run.result["checked_ms"] = now;
      run.updated_ms = now;
      TILSYN_RETURN_IF_ERROR(store_->UpdateActionRun(run));
    }
  }
  return asked;
}

Status RetryFailedActionRun(store::ActionRunStore* store, const std::string& id, TimeMs now) {
  TILSYN_ASSIGN_OR_RETURN(store::ActionRunRecord run, store->GetActionRun(id));
  if (run.status != store::ActionStatus::kFailed) {
    return Status::FailedPrecondition(
        "action run " + id + " is " + std::string(store::ToString(run.status)) + ", not failed",
        "status");
  }
  run.status = store::ActionStatus::kPending;
  run.next_attempt_ms = now;
  run.updated_ms = now;
  return store->UpdateActionRun(run);
}

}  // namespace tilsyn::actions
