// ActionRunStore: the action outbox: action runs written with their assessment (or, for a site
// nobody visits, without one), delivered by the dispatcher (actions/action.h). One of the narrow
// seams of the store (store/store.h): code that needs only this aggregate takes a
// ActionRunStore; the SQL store (store/sql/) implements every seam in one class, on SQLite and
// PostgreSQL. Thread-safe as its implementation; every method is one transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/records.h"

namespace tilsyn::store {

class ActionRunStore {
 public:
  virtual ~ActionRunStore() = default;

  // Updates target, payload, status, attempts, next_attempt_ms, attempt_log, last_error and
  // updated_ms by id. NotFound when unknown.
  virtual Status UpdateActionRun(const ActionRunRecord& run) = 0;
  // The delivery queue's next step: takes the longest-due pending run with next_attempt_ms <=
  // now, lets `start` record the attempt on it (attempts + 1, its log entry, next_attempt_ms =
  // the backoff, which is the attempt's lease) and stores that, in one transaction; nullopt when
  // none is due. On PostgreSQL runs other workers are claiming at the same moment are skipped
  // (FOR UPDATE SKIP LOCKED).
  virtual Result<std::optional<ActionRunRecord>> ClaimNextActionRun(
      TimeMs now, const std::function<void(ActionRunRecord&)>& start) = 0;
  // Delivered runs of `type` whose receiver still has them open (result.open = true), last
  // checked (result.checked_ms) at or before `checked_before`, least recently checked first:
  // the case-system requests whose status is followed.
  virtual Result<std::vector<ActionRunRecord>> ActionRunsToFollow(const std::string& type,
                                                                  TimeMs checked_before,
                                                                  int limit) = 0;
  // Queues runs that belong to no assessment (a site nobody visits, server/unvisited_actions.h):
  // stored with an empty assessment_id (NULL); a run whose idempotency key is stored already is
  // skipped, so a check repeated by any worker queues each run once. Returns how many were new.
  virtual Result<int> QueueActionRuns(const std::vector<ActionRunRecord>& runs) = 0;
  // One action run by id (NotFound when unknown).
  virtual Result<ActionRunRecord> GetActionRun(const std::string& id) = 0;
  // All action runs, or those of one assessment; newest first.
  virtual Result<std::vector<ActionRunRecord>> ListActionRuns(
      const std::optional<std::string>& assessment_id, int limit) = 0;
};

}  // namespace tilsyn::store
