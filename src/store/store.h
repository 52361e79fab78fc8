// Store: the system of record. Every method is atomic (one transaction) and thread-safe; backends
// are SQLite (sqlite/, the single-machine default, WAL) and later PostgreSQL. Methods that insert
// an idempotent record return false when it already existed instead of failing. Unknown ids give
// NotFound. Multi-row changes that must not be seen half-done have a single method
// (RecordAssessment) rather than exposing transactions.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/annotation_store.h"
#include "store/permit_store.h"
#include "store/privacy_records.h"
#include "store/records.h"
#include "tasks/capture_job.h"
#include "tasks/task.h"

namespace tilsyn::store {

// Listing limits: `limit` <= 0 means no limit.
struct TaskFilter {
  std::optional<tasks::TaskStatus> status;
  std::optional<tasks::TaskKind> kind;
  std::optional<std::string> unit;
  int limit = 100;
  int offset = 0;
};

struct AssessmentFilter {
  std::optional<std::string> task_id;
  std::optional<std::string> outcome;
  int limit = 100;
  int offset = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // ---- narrow seams of their own
  virtual PermitStore& permits() = 0;
  virtual AnnotationStore& annotations() = 0;

  // ---- tasks
  virtual Status CreateTask(const tasks::Task& task) = 0;  // AlreadyExists on id clash
  virtual Result<tasks::Task> GetTask(const std::string& id) = 0;
  // Newest (created_ms) first.
  virtual Result<std::vector<tasks::Task>> ListTasks(const TaskFilter& filter) = 0;
  // Replaces the stored task (created_ms stays as created) and, when `job` is given, upserts the
  // job in the same transaction (assigning it the next version). NotFound when the task does not
  // exist.
  virtual Status UpdateTask(const tasks::Task& task,
                            const std::optional<tasks::CaptureJob>& job) = 0;

  // ---- capture jobs
  // Jobs whose version > `since`, ordered by version (includes inactive ones, so agents drop them).
  virtual Result<std::vector<tasks::CaptureJob>> JobsSince(int64_t since) = 0;
  virtual Result<tasks::CaptureJob> GetJob(const std::string& id) = 0;
  // The highest job version (0 when none).
  virtual Result<int64_t> CurrentJobVersion() = 0;

  // ---- vehicles and tokens
  virtual Status CreateVehicle(const Vehicle& v) = 0;
  virtual Result<Vehicle> GetVehicle(const std::string& id) = 0;
  virtual Result<std::vector<Vehicle>> ListVehicles() = 0;
  virtual Status UpdateVehiclePosition(const std::string& id, double lat, double lon,
                                       TimeMs at) = 0;
  // Inserts or replaces the token with this hash.
  virtual Status PutToken(const TokenRecord& token) = 0;
  virtual Result<TokenRecord> GetTokenByHash(const std::string& token_hash) = 0;
  virtual Result<int64_t> CountTokens() = 0;

  // ---- observations and their images
  // Inserts the observation and its blob record together. Returns false (and changes nothing)
  // when an observation with this id already exists. A blob with an empty key is not stored; the
  // blob's empty observation_id/task_id default to the observation's. NotFound when the task is
  // unknown; AlreadyExists when the blob key is taken.
  virtual Result<bool> InsertObservation(const Observation& obs, const BlobRecord& blob) = 0;
  virtual Result<Observation> GetObservation(const std::string& id) = 0;
  virtual Status UpdateObservation(const Observation& obs) = 0;
  // Observations in `state`, oldest first (the pipeline's work queue after a restart).
  virtual Result<std::vector<Observation>> ObservationsInState(ObservationState state,
                                                               int limit) = 0;
  // Every state name, with 0 for states without observations.
  virtual Result<std::map<std::string, int64_t>> CountObservationsByState() = 0;
  // The reference image of a before/after task: its earliest-captured observation, other than
  // `exclude_id`, that is assessed or done and still has its image. nullopt when there is none.
  virtual Result<std::optional<Observation>> ReferenceObservation(const std::string& task_id,
                                                                  const std::string& exclude_id) = 0;

  // ---- recognition, assessment and actions
  // In one transaction: inserts the runs, the assessment and the action runs (action runs whose
  // idempotency key exists are skipped) and sets the observation's state to kAssessed.
  // AlreadyExists when the observation already has an assessment (nothing is changed); NotFound
  // when the observation is unknown. Empty run/action ids are generated; an action run's empty
  // assessment_id/task_id default to the assessment's. The observation's updated_ms becomes the
  // assessment's created_ms.
  virtual Status RecordAssessment(const std::string& observation_id,
                                  const std::vector<RecognitionRunRecord>& runs,
                                  const AssessmentRecord& assessment,
                                  const std::vector<ActionRunRecord>& actions) = 0;
  virtual Result<std::vector<RecognitionRunRecord>> RunsForObservation(
      const std::string& observation_id) = 0;
  virtual Result<AssessmentRecord> GetAssessment(const std::string& id) = 0;
  virtual Result<AssessmentRecord> GetAssessmentForObservation(const std::string& obs_id) = 0;
  // Newest (created_ms) first.
  virtual Result<std::vector<AssessmentRecord>> ListAssessments(const AssessmentFilter& f) = 0;
  // Sets feedback fields (feedback, corrected_label, satisfaction, feedback_by).
  virtual Status UpdateAssessmentFeedback(const AssessmentRecord& a) = 0;
  // ok, finding and inconclusive always present (0 when none).
  virtual Result<std::map<std::string, int64_t>> CountAssessmentsByOutcome() = 0;

  // Pending action runs with next_attempt_ms <= now, longest due first.
  virtual Result<std::vector<ActionRunRecord>> DueActionRuns(TimeMs now, int limit) = 0;
  // Updates target, payload, status, attempts, next_attempt_ms, attempt_log, last_error and
  // updated_ms by id. NotFound when unknown.
  virtual Status UpdateActionRun(const ActionRunRecord& run) = 0;
  // One action run by id (NotFound when unknown).
  virtual Result<ActionRunRecord> GetActionRun(const std::string& id) = 0;
  // All action runs, or those of one assessment; newest first.
  virtual Result<std::vector<ActionRunRecord>> ListActionRuns(
      const std::optional<std::string>& assessment_id, int limit) = 0;

  // ---- image retention
  virtual Result<BlobRecord> GetBlob(const std::string& key) = 0;
  // Sets delete_after_ms of a stored, not yet deleted blob (FailedPrecondition when deleted).
  virtual Status SetBlobDeadline(const std::string& key, TimeMs delete_after_ms) = 0;
  // Marks the blob deleted (and clears the observation's blob_key). Ok (keeping the first
  // record) when already marked; NotFound when unknown.
  virtual Status MarkBlobDeleted(const std::string& key, TimeMs at, const std::string& reason) = 0;
  // Blobs not deleted whose deadline <= now, whose task has no legal hold and whose observation
  // is not waiting to be assessed (state stored), earliest first.
  virtual Result<std::vector<BlobRecord>> BlobsDue(TimeMs now, int limit) = 0;
  // {"kept": n, "deleted": n}
  virtual Result<std::map<std::string, int64_t>> CountBlobs() = 0;

  // ---- stats
  // Ordered by service, then label. Latency percentiles are nearest-rank over finished - started.
  // Feedback counts come from the assessments of observations where the run was good enough:
  // "correct" counts as correct, "wrong" and "corrected" as wrong.
  virtual Result<std::vector<ServiceStats>> ServiceStatsSummary() = 0;
  // Per task (ordered by task id) with at least one assessment: feedback verdicts and the mean
  // satisfaction (1..5) inspectors gave.
  virtual Result<std::vector<TaskFeedbackStats>> TaskFeedbackSummary() = 0;

  // ---- privacy: audit trail, refusals, processing record (store/privacy_records.h)
  // Appends `e` to the hash-chained audit trail, assigning seq, prev_hash and hash (the given
  // values are ignored); returns the stored event. The trail is append-only: there is no
  // method to change or remove an entry.
  virtual Result<AuditEvent> AppendAudit(const AuditEvent& e) = 0;
  // Runs `change` (calls on the same store) and appends `e` in ONE transaction: either both
  // happen or neither. `change` must only call this store.
  virtual Status WithAudit(const AuditEvent& e, const std::function<Status(Store&)>& change) = 0;
  // Entries in seq order (AuditFilter).
  virtual Result<std::vector<AuditEvent>> ListAudit(const AuditFilter& f) = 0;
  virtual Status RecordRefusal(const RefusalRecord& r) = 0;
  // One record per task kind that has tasks, observations or refusals (plus "unknown" for
  // refusals of unknown jobs), ordered by purpose.
  virtual Result<std::vector<PurposeRecord>> ProcessingRecord() = 0;
};

// Opens (creating if needed) the SQLite database at `path` and runs pending migrations.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace tilsyn::store
