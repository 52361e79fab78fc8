// ObservationStore: the observation queue: uploaded observations with their image records, by
// state. One of the narrow seams of the store (store/store.h): code that needs only this aggregate
// takes a ObservationStore; the SQL store (store/sql/) implements every seam in one class, on
// SQLite and PostgreSQL. Thread-safe as its implementation; every method is one transaction.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/records.h"

namespace tilsyn::store {

class ObservationStore {
 public:
  virtual ~ObservationStore() = default;

  // Inserts the observation and its blob record together. Returns false (and changes nothing)
  // when an observation with this id already exists. A blob with an empty key is not stored; the
  // blob's empty observation_id/task_id default to the observation's. NotFound when the task is
  // unknown; AlreadyExists when the blob key is taken.
  virtual Result<bool> InsertObservation(const Observation& obs, const BlobRecord& blob) = 0;
  virtual Result<Observation> GetObservation(const std::string& id) = 0;
  virtual Status UpdateObservation(const Observation& obs) = 0;
  // Leases a stored or assessed observation to `worker` until `until` (ms), unless another
  // worker holds an unexpired lease on it; a worker may always renew its own. False when it is
  // leased to another worker or no longer waiting. A worker killed mid-step releases its work
  // when the lease runs out; a restarted worker with the same name takes it back at once.
  virtual Result<bool> ClaimObservation(const std::string& id, const std::string& worker,
                                        TimeMs now, TimeMs until) = 0;
  // Gives `worker`'s lease on the observation up (after a failed step, so any worker may try
  // again once the retry delay has passed). Ok when it holds none.
  virtual Status ReleaseObservation(const std::string& id, const std::string& worker) = 0;
  // Observations in `state`, oldest first (the pipeline's work queue after a restart).
  virtual Result<std::vector<Observation>> ObservationsInState(ObservationState state,
                                                               int limit) = 0;
  // Every state name, with 0 for states without observations.
  virtual Result<std::map<std::string, int64_t>> CountObservationsByState() = 0;
  // The reference image of a task that compares with one (tasks::ComparesWithReference): the
  // observation an inspector marked, else its earliest-captured one — in both cases other than
  // `exclude_id`, assessed or done, and still with its image. nullopt when there is none.
  virtual Result<std::optional<Observation>> ReferenceObservation(const std::string& task_id,
                                                                  const std::string& exclude_id) = 0;
  // Marks an observation of the task as its reference (replacing an earlier mark). NotFound for
  // an unknown task or observation.
  virtual Status MarkReference(const ReferenceMark& mark) = 0;
  virtual Result<std::optional<ReferenceMark>> MarkedReference(const std::string& task_id) = 0;
  // The latest capture time of each task that has observations.
  virtual Result<std::map<std::string, TimeMs>> LastCaptureByTask() = 0;
};

}  // namespace tilsyn::store
