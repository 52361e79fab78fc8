// Fault injection for the store and the image store: wraps a real Store / BlobStore and, per
// method name, fails the Nth call before it reaches the backend, lets the Nth call commit and
// then reports an error (a lost acknowledgement), or delays calls. Used for the error paths of
// ingest, pipeline, retention and actions (test/unit/pipeline/store_faults_test.cc).
// Not thread-safe beyond what the wrapped store is; the plan itself is guarded.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/blob_store.h"
#include "store/store.h"

namespace tilsyn::testing {

class FaultPlan {
 public:
  enum class When { kBefore, kAfterCommit };
  // The `nth` call (1-based, counted from now on) of `method` fails with `status`: kBefore = the
  // backend never sees it; kAfterCommit = the backend did the work, the caller gets the error.
  void Fail(const std::string& method, int nth, Status status, When when = When::kBefore) {
    std::lock_guard<std::mutex> l(mu_);
    faults_[method].push_back({calls_[method] + nth, std::move(status), when});
  }
  // Every later call of `method` fails before reaching the backend until Heal(method).
  void FailAlways(const std::string& method, Status status) {
    std::lock_guard<std::mutex> l(mu_);
    always_[method] = std::move(status);
  }
  void Heal(const std::string& method) {
    std::lock_guard<std::mutex> l(mu_);
    always_.erase(method);
  }
  void Slow(const std::string& method, std::chrono::milliseconds delay) {
    std::lock_guard<std::mutex> l(mu_);
    slow_[method] = delay;
  }
  int Calls(const std::string& method) {
    std::lock_guard<std::mutex> l(mu_);
    return calls_[method];
  }

  // Wraps one call: the backend call `f` returns R (Status or Result<T>).
  template <typename R, typename F>
  R Run(const std::string& method, F&& f) {
    int n;
    std::chrono::milliseconds delay{0};
    Status before, after;
    {
      std::lock_guard<std::mutex> l(mu_);
      n = ++calls_[method];
      if (auto it = slow_.find(method); it != slow_.end()) delay = it->second;
      if (auto it = always_.find(method); it != always_.end()) before = it->second;
      for (const Fault& fault : faults_[method]) {
        if (fault.nth != n) continue;
        (fault.when == When::kBefore ? before : after) = fault.status;
      }
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    if (!before.ok()) return before;
    R r = f();
    if (!after.ok()) return after;
    return r;
  }

 private:
  struct Fault {
    int nth;
    Status status;
    When when;
  };
  std::mutex mu_;
  std::map<std::string, int> calls_;
  std::map<std::string, std::vector<Fault>> faults_;
  std::map<std::string, Status> always_;
  std::map<std::string, std::chrono::milliseconds> slow_;
};

// A Store whose every call goes through `plan` to `inner` (not owned).
class FaultyStore : public store::Store {
 public:
  FaultyStore(store::Store* inner, FaultPlan* plan) : inner_(inner), plan_(plan) {}

  store::PermitStore& permits() override { return inner_->permits(); }
  store::AnnotationStore& annotations() override { return inner_->annotations(); }
  store::CaseStore& cases() override { return inner_->cases(); }
  Status Ready() override {
    return Run<Status>("Ready", [&] { return inner_->Ready(); });
  }
  void AnnounceWork() override { inner_->AnnounceWork(); }
  std::unique_ptr<WorkListener> ListenForWork() override { return inner_->ListenForWork(); }
  Status WithAudit(const store::AuditEvent& e,
                   const std::function<Status(store::Store&)>& change) override {
    return Run<Status>("WithAudit", [&] {
      return inner_->WithAudit(e, [&](store::Store& s) {
        FaultyStore inside(&s, plan_);
        return change(inside);
      });
    });
  }

  Status CreateTask(const tasks::Task& task) override {
    return Run<Status>("CreateTask", [&] { return inner_->CreateTask(task); });
  }
  Result<tasks::Task> GetTask(const std::string& id) override {
    return Run<Result<tasks::Task>>("GetTask", [&] { return inner_->GetTask(id); });
  }
  Result<std::vector<tasks::Task>> ListTasks(const store::TaskFilter& filter) override {
    return Run<Result<std::vector<tasks::Task>>>("ListTasks",
                                                 [&] { return inner_->ListTasks(filter); });
  }
  Status UpdateTask(const tasks::Task& task, const std::optional<tasks::CaptureJob>& job) override {
    return Run<Status>("UpdateTask", [&] { return inner_->UpdateTask(task, job); });
  }
  Result<std::vector<tasks::CaptureJob>> JobsSince(int64_t since) override {
    return Run<Result<std::vector<tasks::CaptureJob>>>("JobsSince",
                                                       [&] { return inner_->JobsSince(since); });
  }
  Result<tasks::CaptureJob> GetJob(const std::string& id) override {
    return Run<Result<tasks::CaptureJob>>("GetJob", [&] { return inner_->GetJob(id); });
  }
  Result<int64_t> CurrentJobVersion() override {
    return Run<Result<int64_t>>("CurrentJobVersion", [&] { return inner_->CurrentJobVersion(); });
  }
  Status CreateVehicle(const store::Vehicle& v) override {
    return Run<Status>("CreateVehicle", [&] { return inner_->CreateVehicle(v); });
  }
  Result<store::Vehicle> GetVehicle(const std::string& id) override {
    return Run<Result<store::Vehicle>>("GetVehicle", [&] { return inner_->GetVehicle(id); });
  }
  Result<std::vector<store::Vehicle>> ListVehicles() override {
    return Run<Result<std::vector<store::Vehicle>>>("ListVehicles",
                                                    [&] { return inner_->ListVehicles(); });
  }
  Result<int64_t> BumpJobVersions(const std::vector<std::string>& ids) override {
    return Run<Result<int64_t>>("BumpJobVersions", [&] { return inner_->BumpJobVersions(ids); });
  }
  Status RecordHeartbeat(const std::string& id, const std::string& json, TimeMs at) override {
    return Run<Status>("RecordHeartbeat", [&] { return inner_->RecordHeartbeat(id, json, at); });
  }
  Result<int64_t> PutAgentSettings(const store::AgentSettingsRecord& s) override {
    return Run<Result<int64_t>>("PutAgentSettings", [&] { return inner_->PutAgentSettings(s); });
  }
  Result<std::optional<store::AgentSettingsRecord>> CurrentAgentSettings() override {
    return Run<Result<std::optional<store::AgentSettingsRecord>>>(
        "CurrentAgentSettings", [&] { return inner_->CurrentAgentSettings(); });
  }
  Result<std::vector<std::string>> VehiclePositionsDue(TimeMs before) override {
    return Run<Result<std::vector<std::string>>>(
        "VehiclePositionsDue", [&] { return inner_->VehiclePositionsDue(before); });
  }
  Status EraseVehiclePosition(const std::string& id, TimeMs before) override {
    return Run<Status>("EraseVehiclePosition",
                       [&] { return inner_->EraseVehiclePosition(id, before); });
  }
  Status UpdateVehiclePosition(const std::string& id, double lat, double lon, TimeMs at) override {
    return Run<Status>("UpdateVehiclePosition",
                       [&] { return inner_->UpdateVehiclePosition(id, lat, lon, at); });
  }
  Status PutToken(const store::TokenRecord& token) override {
    return Run<Status>("PutToken", [&] { return inner_->PutToken(token); });
  }
  Result<store::TokenRecord> GetTokenByHash(const std::string& token_hash) override {
    return Run<Result<store::TokenRecord>>("GetTokenByHash",
                                           [&] { return inner_->GetTokenByHash(token_hash); });
  }
  Result<int64_t> CountTokens() override {
    return Run<Result<int64_t>>("CountTokens", [&] { return inner_->CountTokens(); });
  }
  Result<std::vector<store::TokenRecord>> ListTokens() override {
    return Run<Result<std::vector<store::TokenRecord>>>("ListTokens",
                                                        [&] { return inner_->ListTokens(); });
  }
  Status RevokeToken(const std::string& hash, TimeMs at) override {
    return Run<Status>("RevokeToken", [&] { return inner_->RevokeToken(hash, at); });
  }
  Status CreateUser(const store::UserRecord& u) override {
    return Run<Status>("CreateUser", [&] { return inner_->CreateUser(u); });
  }
  Status UpdateUser(const store::UserRecord& u) override {
    return Run<Status>("UpdateUser", [&] { return inner_->UpdateUser(u); });
  }
  Result<store::UserRecord> GetUser(const std::string& name) override {
    return Run<Result<store::UserRecord>>("GetUser", [&] { return inner_->GetUser(name); });
  }
  Result<std::vector<store::UserRecord>> ListUsers() override {
    return Run<Result<std::vector<store::UserRecord>>>("ListUsers",
                                                       [&] { return inner_->ListUsers(); });
  }
  Result<std::optional<store::UserRecord>> NoteLoginAttempt(const std::string& name, TimeMs now,
                                                            int64_t max, TimeMs until) override {
    return Run<Result<std::optional<store::UserRecord>>>(
        "NoteLoginAttempt", [&] { return inner_->NoteLoginAttempt(name, now, max, until); });
  }
  Status NoteLoginSuccess(const std::string& name) override {
    return Run<Status>("NoteLoginSuccess", [&] { return inner_->NoteLoginSuccess(name); });
  }
  Status PutSession(const store::SessionRecord& s) override {
    return Run<Status>("PutSession", [&] { return inner_->PutSession(s); });
  }
  Result<store::SessionRecord> GetSession(const std::string& id_hash) override {
    return Run<Result<store::SessionRecord>>("GetSession",
                                             [&] { return inner_->GetSession(id_hash); });
  }
  Status DeleteSession(const std::string& id_hash) override {
    return Run<Status>("DeleteSession", [&] { return inner_->DeleteSession(id_hash); });
  }
  Status DeleteSessions(const std::string& user) override {
    return Run<Status>("DeleteSessions", [&] { return inner_->DeleteSessions(user); });
  }
  Status DeleteExpiredSessions(TimeMs now) override {
    return Run<Status>("DeleteExpiredSessions", [&] { return inner_->DeleteExpiredSessions(now); });
  }
  Result<bool> InsertObservation(const store::Observation& obs,
                                 const store::BlobRecord& blob) override {
    return Run<Result<bool>>("InsertObservation",
                             [&] { return inner_->InsertObservation(obs, blob); });
  }
  Result<std::map<std::string, TimeMs>> LastCaptureByTask() override {
    return Run<Result<std::map<std::string, TimeMs>>>("LastCaptureByTask",
                                                      [&] { return inner_->LastCaptureByTask(); });
  }
  Result<store::Observation> GetObservation(const std::string& id) override {
    return Run<Result<store::Observation>>("GetObservation",
                                           [&] { return inner_->GetObservation(id); });
  }
  Result<std::optional<store::Observation>> ClaimNextObservation(const std::string& worker,
                                                                 TimeMs now,
                                                                 TimeMs until) override {
    return Run<Result<std::optional<store::Observation>>>(
        "ClaimNextObservation", [&] { return inner_->ClaimNextObservation(worker, now, until); });
  }
  Status ReleaseObservation(const std::string& id, const std::string& worker,
                            TimeMs not_before) override {
    return Run<Status>("ReleaseObservation",
                       [&] { return inner_->ReleaseObservation(id, worker, not_before); });
  }
  Status ReleaseLeasesOf(const std::string& worker) override {
    return Run<Status>("ReleaseLeasesOf", [&] { return inner_->ReleaseLeasesOf(worker); });
  }
  Status RecordServerAnonymization(const store::Observation& obs, int64_t image_size) override {
    return Run<Status>("RecordServerAnonymization",
                       [&] { return inner_->RecordServerAnonymization(obs, image_size); });
  }
  Status UpdateObservation(const store::Observation& obs) override {
    return Run<Status>("UpdateObservation", [&] { return inner_->UpdateObservation(obs); });
  }
  Result<std::vector<store::Observation>> ObservationsInState(store::ObservationState state,
                                                              int limit) override {
    return Run<Result<std::vector<store::Observation>>>(
        "ObservationsInState", [&] { return inner_->ObservationsInState(state, limit); });
  }
  Result<std::map<std::string, int64_t>> CountObservationsByState() override {
    return Run<Result<std::map<std::string, int64_t>>>(
        "CountObservationsByState", [&] { return inner_->CountObservationsByState(); });
  }
  Result<std::vector<store::Observation>> ObservationsCapturedIn(
      const store::CaptureQuery& q) override {
    return Run<Result<std::vector<store::Observation>>>(
        "ObservationsCapturedIn", [&] { return inner_->ObservationsCapturedIn(q); });
  }
  Status EraseObservationLocation(const std::string& id, TimeMs at) override {
    return Run<Status>("EraseObservationLocation",
                       [&] { return inner_->EraseObservationLocation(id, at); });
  }
  Result<std::vector<std::string>> LocationsDue(TimeMs captured_before, int limit) override {
    return Run<Result<std::vector<std::string>>>(
        "LocationsDue", [&] { return inner_->LocationsDue(captured_before, limit); });
  }
  Result<std::vector<store::BlobRecord>> KeptBlobs(int limit) override {
    return Run<Result<std::vector<store::BlobRecord>>>("KeptBlobs",
                                                       [&] { return inner_->KeptBlobs(limit); });
  }
  Status MarkReference(const store::ReferenceMark& mark) override {
    return Run<Status>("MarkReference", [&] { return inner_->MarkReference(mark); });
  }
  Result<std::optional<store::ReferenceMark>> MarkedReference(const std::string& task_id) override {
    return Run<Result<std::optional<store::ReferenceMark>>>(
        "MarkedReference", [&] { return inner_->MarkedReference(task_id); });
  }
  Result<std::optional<store::Observation>> ReferenceObservation(
      const std::string& task_id, const std::string& exclude_id) override {
    return Run<Result<std::optional<store::Observation>>>(
        "ReferenceObservation", [&] { return inner_->ReferenceObservation(task_id, exclude_id); });
  }
  Status RecordAssessment(const std::string& observation_id,
                          const std::vector<store::RecognitionRunRecord>& runs,
                          const store::AssessmentRecord& assessment,
                          const std::vector<store::ActionRunRecord>& actions) override {
    return Run<Status>("RecordAssessment", [&] {
      return inner_->RecordAssessment(observation_id, runs, assessment, actions);
    });
  }
  Result<std::vector<store::RecognitionRunRecord>> RunsForObservation(
      const std::string& observation_id) override {
    return Run<Result<std::vector<store::RecognitionRunRecord>>>(
        "RunsForObservation", [&] { return inner_->RunsForObservation(observation_id); });
  }
  Result<store::AssessmentRecord> GetAssessment(const std::string& id) override {
    return Run<Result<store::AssessmentRecord>>("GetAssessment",
                                                [&] { return inner_->GetAssessment(id); });
  }
  Result<store::AssessmentRecord> GetAssessmentForObservation(const std::string& obs_id) override {
    return Run<Result<store::AssessmentRecord>>(
        "GetAssessmentForObservation", [&] { return inner_->GetAssessmentForObservation(obs_id); });
  }
  Result<std::vector<store::AssessmentRecord>> ListAssessments(
      const store::AssessmentFilter& f) override {
    return Run<Result<std::vector<store::AssessmentRecord>>>(
        "ListAssessments", [&] { return inner_->ListAssessments(f); });
  }
  Status UpdateAssessmentFeedback(const store::AssessmentRecord& a) override {
    return Run<Status>("UpdateAssessmentFeedback",
                       [&] { return inner_->UpdateAssessmentFeedback(a); });
  }
  Result<std::map<std::string, int64_t>> CountAssessmentsByOutcome() override {
    return Run<Result<std::map<std::string, int64_t>>>(
        "CountAssessmentsByOutcome", [&] { return inner_->CountAssessmentsByOutcome(); });
  }
  Result<std::optional<store::ActionRunRecord>> ClaimNextActionRun(
      TimeMs now, const std::function<void(store::ActionRunRecord&)>& start) override {
    return Run<Result<std::optional<store::ActionRunRecord>>>(
        "ClaimNextActionRun", [&] { return inner_->ClaimNextActionRun(now, start); });
  }
  Status UpdateActionRun(const store::ActionRunRecord& run) override {
    return Run<Status>("UpdateActionRun", [&] { return inner_->UpdateActionRun(run); });
  }
  Result<std::vector<store::ActionRunRecord>> ActionRunsToFollow(const std::string& type,
                                                                 TimeMs checked_before,
                                                                 int limit) override {
    return Run<Result<std::vector<store::ActionRunRecord>>>("ActionRunsToFollow", [&] {
      return inner_->ActionRunsToFollow(type, checked_before, limit);
    });
  }
  Result<int> QueueActionRuns(const std::vector<store::ActionRunRecord>& runs) override {
    return Run<Result<int>>("QueueActionRuns", [&] { return inner_->QueueActionRuns(runs); });
  }
  Result<store::ActionRunRecord> GetActionRun(const std::string& id) override {
    return Run<Result<store::ActionRunRecord>>("GetActionRun",
                                               [&] { return inner_->GetActionRun(id); });
  }
  Result<std::vector<store::ActionRunRecord>> ListActionRuns(
      const std::optional<std::string>& assessment_id, int limit) override {
    return Run<Result<std::vector<store::ActionRunRecord>>>(
        "ListActionRuns", [&] { return inner_->ListActionRuns(assessment_id, limit); });
  }
  Result<store::BlobRecord> GetBlob(const std::string& key) override {
    return Run<Result<store::BlobRecord>>("GetBlob", [&] { return inner_->GetBlob(key); });
  }
  Status SetBlobDeadline(const std::string& key, TimeMs delete_after_ms) override {
    return Run<Status>("SetBlobDeadline",
                       [&] { return inner_->SetBlobDeadline(key, delete_after_ms); });
  }
  Status MarkBlobDeleted(const std::string& key, TimeMs at, const std::string& reason) override {
    return Run<Status>("MarkBlobDeleted", [&] { return inner_->MarkBlobDeleted(key, at, reason); });
  }
  Result<std::vector<store::BlobRecord>> ClaimDueBlobs(TimeMs now, TimeMs until,
                                                       int limit) override {
    return Run<Result<std::vector<store::BlobRecord>>>(
        "ClaimDueBlobs", [&] { return inner_->ClaimDueBlobs(now, until, limit); });
  }
  Result<std::map<std::string, int64_t>> CountBlobs() override {
    return Run<Result<std::map<std::string, int64_t>>>("CountBlobs",
                                                       [&] { return inner_->CountBlobs(); });
  }
  Result<std::vector<store::ServiceStats>> ServiceStatsSummary() override {
    return Run<Result<std::vector<store::ServiceStats>>>(
        "ServiceStatsSummary", [&] { return inner_->ServiceStatsSummary(); });
  }
  Result<std::vector<store::TaskFeedbackStats>> TaskFeedbackSummary() override {
    return Run<Result<std::vector<store::TaskFeedbackStats>>>(
        "TaskFeedbackSummary", [&] { return inner_->TaskFeedbackSummary(); });
  }
  Result<store::AuditEvent> AppendAudit(const store::AuditEvent& e) override {
    return Run<Result<store::AuditEvent>>("AppendAudit", [&] { return inner_->AppendAudit(e); });
  }
  Result<std::vector<store::AuditEvent>> ListAudit(const store::AuditFilter& f) override {
    return Run<Result<std::vector<store::AuditEvent>>>("ListAudit",
                                                       [&] { return inner_->ListAudit(f); });
  }
  Status RecordRefusal(const store::RefusalRecord& r) override {
    return Run<Status>("RecordRefusal", [&] { return inner_->RecordRefusal(r); });
  }
  Result<std::vector<store::EvaluationAssessment>> EvaluationAssessments(TimeMs from_ms,
                                                                         TimeMs to_ms) override {
    return Run<Result<std::vector<store::EvaluationAssessment>>>(
        "EvaluationAssessments", [&] { return inner_->EvaluationAssessments(from_ms, to_ms); });
  }
  Result<std::vector<store::EvaluationImage>> EvaluationImages(TimeMs from_ms,
                                                               TimeMs to_ms) override {
    return Run<Result<std::vector<store::EvaluationImage>>>(
        "EvaluationImages", [&] { return inner_->EvaluationImages(from_ms, to_ms); });
  }
  Result<int64_t> PutRecordFacts(const store::VersionedDocument& facts) override {
    return Run<Result<int64_t>>("PutRecordFacts", [&] { return inner_->PutRecordFacts(facts); });
  }
  Result<std::optional<store::VersionedDocument>> CurrentRecordFacts() override {
    return Run<Result<std::optional<store::VersionedDocument>>>(
        "CurrentRecordFacts", [&] { return inner_->CurrentRecordFacts(); });
  }
  Result<std::vector<store::PurposeRecord>> ProcessingRecord() override {
    return Run<Result<std::vector<store::PurposeRecord>>>(
        "ProcessingRecord", [&] { return inner_->ProcessingRecord(); });
  }

 private:
  template <typename R, typename F>
  R Run(const char* method, F&& f) {
    return plan_->Run<R>(method, std::forward<F>(f));
  }
  store::Store* inner_;
  FaultPlan* plan_;
};

// A BlobStore whose Put/Get/Delete go through `plan` ("BlobPut", "BlobGet", "BlobDelete").
class FaultyBlobStore : public store::BlobStore {
 public:
  FaultyBlobStore(store::BlobStore* inner, FaultPlan* plan) : inner_(inner), plan_(plan) {}
  Status Put(const std::string& key, std::string_view data) override {
    return plan_->Run<Status>("BlobPut", [&] { return inner_->Put(key, data); });
  }
  Result<std::string> Get(const std::string& key) override {
    return plan_->Run<Result<std::string>>("BlobGet", [&] { return inner_->Get(key); });
  }
  Status Delete(const std::string& key) override {
    return plan_->Run<Status>("BlobDelete", [&] { return inner_->Delete(key); });
  }
  bool Exists(const std::string& key) override { return inner_->Exists(key); }
  Result<std::vector<std::string>> Keys() override { return inner_->Keys(); }

 private:
  store::BlobStore* inner_;
  FaultPlan* plan_;
};

}  // namespace tilsyn::testing
