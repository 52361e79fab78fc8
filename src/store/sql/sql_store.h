// SqlStore: the Store over the shared connection layer (store/sql/db.h), written once for both
// backends: SQLite (one connection, WAL, busy_timeout 5 s, foreign keys on; calls serialised) and
// PostgreSQL (a pool of connections; write transactions SERIALIZABLE and run again when
// PostgreSQL reports a conflict or the connection is lost). Every public method is one
// transaction seen whole by other threads and processes. The methods are implemented per
// resource in sql_tasks.cc, sql_vehicles.cc, sql_observations.cc, sql_assessments.cc,
// sql_stats.cc, sql_permits.cc, sql_privacy.cc, sql_annotations.cc and sql_cases.cc.
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "store/sql/db.h"
#include "store/sql/pool.h"
#include "store/store.h"

namespace tilsyn::store::sql {

class SqlStore : public Store, public PermitStore, public AnnotationStore, public CaseStore {
 public:
  // `listen_url`: the PostgreSQL URL a work listener connects to ("" = none: SQLite).
  explicit SqlStore(std::unique_ptr<Pool> pool, std::string listen_url = "")
      : pool_(std::move(pool)), listen_url_(std::move(listen_url)) {}

  PermitStore& permits() override { return *this; }
  Result<bool> PutPermit(const tasks::Permit& permit) override;
  Result<tasks::Permit> GetPermit(const std::string& id) override;
  Result<std::vector<tasks::Permit>> ListPermits(const PermitFilter& filter) override;

  AnnotationStore& annotations() override { return *this; }
  CaseStore& cases() override { return *this; }
  Status AppendCaseEvent(const CaseEvent& e) override;
  Result<std::vector<CaseEvent>> CaseEvents(const std::string& assessment_id) override;
  Result<std::map<std::string, std::string>> CaseStatuses() override;
  Status ReplaceAnnotations(const std::string& observation_id,
                            const std::vector<Annotation>& boxes) override;
  Result<std::vector<Annotation>> AnnotationsFor(const std::string& observation_id) override;
  Result<std::vector<Annotation>> ListAnnotations(const std::optional<std::string>& label) override;
  Status SetCompleteLabels(const std::string& observation_id,
                           const std::vector<std::string>& labels, const std::string& marked_by,
                           TimeMs marked_ms) override;
  Result<std::map<std::string, CompleteLabelSet>> CompleteLabels(
      const std::optional<std::string>& observation_id) override;

  Status CreateTask(const tasks::Task& task) override;
  Result<tasks::Task> GetTask(const std::string& id) override;
  Result<std::vector<tasks::Task>> ListTasks(const TaskFilter& filter) override;
  Status UpdateTask(const tasks::Task& task, const std::optional<tasks::CaptureJob>& job) override;

  Result<std::vector<tasks::CaptureJob>> JobsSince(int64_t since) override;
  Result<tasks::CaptureJob> GetJob(const std::string& id) override;
  Result<int64_t> CurrentJobVersion() override;
  Result<int64_t> BumpJobVersions(const std::vector<std::string>& task_ids) override;

  Status CreateVehicle(const Vehicle& v) override;
  Result<Vehicle> GetVehicle(const std::string& id) override;
  Result<std::vector<Vehicle>> ListVehicles() override;
  Status UpdateVehiclePosition(const std::string& id, double lat, double lon, TimeMs at) override;
  Result<std::vector<std::string>> VehiclePositionsDue(TimeMs before) override;
  Status EraseVehiclePosition(const std::string& id, TimeMs before) override;
  Status RecordHeartbeat(const std::string& id, const std::string& heartbeat_json,
                         TimeMs at) override;
  Result<int64_t> PutAgentSettings(const AgentSettingsRecord& settings) override;
  Result<std::optional<AgentSettingsRecord>> CurrentAgentSettings() override;
  Status PutToken(const TokenRecord& token) override;
  Result<TokenRecord> GetTokenByHash(const std::string& token_hash) override;
  Result<int64_t> CountTokens() override;
  Result<std::vector<TokenRecord>> ListTokens() override;
  Status RevokeToken(const std::string& token_hash, TimeMs at) override;
  Status CreateUser(const UserRecord& user) override;
  Status UpdateUser(const UserRecord& user) override;
  Result<UserRecord> GetUser(const std::string& name) override;
  Result<std::vector<UserRecord>> ListUsers() override;
  Result<std::optional<UserRecord>> NoteLoginAttempt(const std::string& name, TimeMs now,
                                                     int64_t max_failures,
                                                     TimeMs lock_until) override;
  Status NoteLoginSuccess(const std::string& name) override;
  Status PutSession(const SessionRecord& session) override;
  Result<SessionRecord> GetSession(const std::string& id_hash) override;
  Status DeleteSession(const std::string& id_hash) override;
  Status DeleteSessions(const std::string& user) override;
  Status DeleteExpiredSessions(TimeMs now) override;

  Result<bool> InsertObservation(const Observation& obs, const BlobRecord& blob) override;
  Result<Observation> GetObservation(const std::string& id) override;
  Status UpdateObservation(const Observation& obs) override;
  Result<std::optional<Observation>> ClaimNextObservation(const std::string& worker, TimeMs now,
                                                          TimeMs until) override;
  Status ReleaseObservation(const std::string& id, const std::string& worker,
                            TimeMs not_before) override;
  Status ReleaseLeasesOf(const std::string& worker) override;
  Status RecordServerAnonymization(const Observation& obs, int64_t image_size) override;
  Result<std::map<std::string, TimeMs>> LastCaptureByTask() override;
  Result<std::vector<Observation>> ObservationsInState(ObservationState state, int limit) override;
  Status MarkReference(const ReferenceMark& mark) override;
  Result<std::optional<ReferenceMark>> MarkedReference(const std::string& task_id) override;
  Result<std::optional<Observation>> ReferenceObservation(const std::string& task_id,
                                                          const std::string& exclude_id) override;
  Result<std::map<std::string, int64_t>> CountObservationsByState() override;
  Result<std::vector<Observation>> ObservationsCapturedIn(const CaptureQuery& q) override;
  Status EraseObservationLocation(const std::string& id, TimeMs at) override;
  Result<std::vector<std::string>> LocationsDue(TimeMs captured_before, int limit) override;

  Status RecordAssessment(const std::string& observation_id,
                          const std::vector<RecognitionRunRecord>& runs,
                          const AssessmentRecord& assessment,
                          const std::vector<ActionRunRecord>& actions) override;
  Result<std::vector<RecognitionRunRecord>> RunsForObservation(
      const std::string& observation_id) override;
  Result<AssessmentRecord> GetAssessment(const std::string& id) override;
  Result<AssessmentRecord> GetAssessmentForObservation(const std::string& obs_id) override;
  Result<std::vector<AssessmentRecord>> ListAssessments(const AssessmentFilter& f) override;
  Status UpdateAssessmentFeedback(const AssessmentRecord& a) override;
  Result<std::map<std::string, int64_t>> CountAssessmentsByOutcome() override;

  Status UpdateActionRun(const ActionRunRecord& run) override;
  Result<std::optional<ActionRunRecord>> ClaimNextActionRun(
      TimeMs now, const std::function<void(ActionRunRecord&)>& start) override;
  Result<ActionRunRecord> GetActionRun(const std::string& id) override;
  Result<int> QueueActionRuns(const std::vector<ActionRunRecord>& runs) override;
  Result<std::vector<ActionRunRecord>> ActionRunsToFollow(const std::string& type,
                                                          TimeMs checked_before,
                                                          int limit) override;
  Result<std::vector<ActionRunRecord>> ListActionRuns(
      const std::optional<std::string>& assessment_id, int limit) override;

  Result<BlobRecord> GetBlob(const std::string& key) override;
  Status SetBlobDeadline(const std::string& key, TimeMs delete_after_ms) override;
  Status MarkBlobDeleted(const std::string& key, TimeMs at, const std::string& reason) override;
  Result<std::vector<BlobRecord>> ClaimDueBlobs(TimeMs now, TimeMs until, int limit) override;
  Result<std::vector<BlobRecord>> KeptBlobs(int limit) override;
  Result<std::map<std::string, int64_t>> CountBlobs() override;

  Result<std::vector<ServiceStats>> ServiceStatsSummary() override;
  Result<std::vector<TaskFeedbackStats>> TaskFeedbackSummary() override;
  Result<std::vector<EvaluationAssessment>> EvaluationAssessments(TimeMs from_ms,
                                                                  TimeMs to_ms) override;
  Result<std::vector<EvaluationImage>> EvaluationImages(TimeMs from_ms, TimeMs to_ms) override;

  Result<AuditEvent> AppendAudit(const AuditEvent& e) override;
  Status WithAudit(const AuditEvent& e, const std::function<Status(Store&)>& change) override;
  Status Ready() override;
  void AnnounceWork() override;
  std::unique_ptr<WorkListener> ListenForWork() override;
  Result<std::vector<AuditEvent>> ListAudit(const AuditFilter& f) override;
  Status RecordRefusal(const RefusalRecord& r) override;
  Result<std::vector<PurposeRecord>> ProcessingRecord() override;
  Result<int64_t> PutRecordFacts(const VersionedDocument& facts) override;
  Result<std::optional<VersionedDocument>> CurrentRecordFacts() override;

 private:
  // Pool::InTransaction: one transaction, run again on PostgreSQL conflicts; a call made from
  // inside a body on the same thread (WithAudit's change) runs in the enclosing transaction.
  Status InTxn(Transaction::Mode mode, const std::function<Status(Db&)>& body);
  Status Read(const std::function<Status(Db&)>& body) {
    return InTxn(Transaction::Mode::kRead, body);
  }
  Status Write(const std::function<Status(Db&)>& body) {
    return InTxn(Transaction::Mode::kWrite, body);
  }
  // A work-queue claim (Db::Mode::kClaim): SELECT … db.ClaimLock(), then UPDATE.
  Status Claim(const std::function<Status(Db&)>& body) {
    return InTxn(Transaction::Mode::kClaim, body);
  }
  // A versioned JSON document table (version, json, created_ms, created_by).
  Result<int64_t> PutVersioned(const char* table, const VersionedDocument& doc);
  Result<std::optional<VersionedDocument>> LatestVersioned(const char* table);

  std::unique_ptr<Pool> pool_;
  std::string listen_url_;
};

// Runs a statement counting rows into a name -> n map (columns: name, count).
Result<std::map<std::string, int64_t>> QueryCounts(Db& db, std::string_view sql);

}  // namespace tilsyn::store::sql
