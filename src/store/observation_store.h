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
  // The work queue's next step: leases the oldest waiting (received, stored or assessed)
  // observation whose lease, if any, has expired, to `worker` until `until` (ms) and returns it;
  // nullopt when none waits. A worker killed mid-step releases its work when the lease runs
  // out (or at once when it restarts, ReleaseLeasesOf). On
  // PostgreSQL rows other workers are claiming at the same moment are skipped (FOR UPDATE SKIP
  // LOCKED), so claimers neither wait for nor conflict with each other.
  virtual Result<std::optional<Observation>> ClaimNextObservation(const std::string& worker,
                                                                  TimeMs now, TimeMs until) = 0;
  // A worker starting up gives back every lease its name still holds (a previous run killed
  // mid-step), so that work is taken again at once instead of when the lease runs out.
  virtual Status ReleaseLeasesOf(const std::string& worker) = 0;
  // Gives `worker`'s lease on the observation up after a failed step: no worker (this one
  // included) takes it before `not_before` (the retry delay), any worker may after. Ok when it
  // holds none.
  virtual Status ReleaseObservation(const std::string& id, const std::string& worker,
                                    TimeMs not_before) = 0;
  // The server's anonymization pass is done (privacy invariant 2): `obs` (with its new
  // image_sha256 and anonymization report) becomes stored and its image record takes the new
  // size, in one transaction. FailedPrecondition (field "state") when it is no longer received.
  virtual Status RecordServerAnonymization(const Observation& obs, int64_t image_size) = 0;
  // Observations in `state`, oldest first (a read: the work queue is ClaimNextObservation).
  virtual Result<std::vector<Observation>> ObservationsInState(ObservationState state,
                                                               int limit) = 0;
  // Every state name, with 0 for states without observations.
  virtual Result<std::map<std::string, int64_t>> CountObservationsByState() = 0;
  // The reference image of a task that compares with one (tasks::ComparesWithReference): the
  // observation an inspector marked, else its earliest-captured one — in both cases other than
  // `exclude_id`, assessed or done, and still with its image. nullopt when there is none.
  virtual Result<std::optional<Observation>> ReferenceObservation(
      const std::string& task_id, const std::string& exclude_id) = 0;
  // Marks an observation of the task as its reference (replacing an earlier mark). NotFound for
  // an unknown task or observation.
  virtual Status MarkReference(const ReferenceMark& mark) = 0;
  virtual Result<std::optional<ReferenceMark>> MarkedReference(const std::string& task_id) = 0;
  // The data-subject search: observations captured in the query's window whose position lies in
  // its box (callers test the exact area), by capture time. Erased locations are not found.
  virtual Result<std::vector<Observation>> ObservationsCapturedIn(const CaptureQuery& q) = 0;
  // Erases what the observation says of where a vehicle was — position, heading, speed,
  // accuracy and the vehicle — and records when (location_erased_ms); its capture time, task,
  // assessment and image record stay. Ok when erased already; NotFound when unknown;
  // FailedPrecondition (field "state") while the pipeline still works on it.
  virtual Status EraseObservationLocation(const std::string& id, TimeMs at) = 0;
  // The location sweeper's work: ids of observations captured before `captured_before` whose
  // location is not erased, whose image is gone, that the pipeline is done with and whose task
  // has no legal hold; oldest first, at most `limit`.
  virtual Result<std::vector<std::string>> LocationsDue(TimeMs captured_before, int limit) = 0;
  // The latest capture time of each task that has observations.
  virtual Result<std::map<std::string, TimeMs>> LastCaptureByTask() = 0;
};

}  // namespace tilsyn::store
