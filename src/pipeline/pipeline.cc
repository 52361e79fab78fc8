#include "pipeline/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <set>

#include "actions/run_payload.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/retry_policy.h"
#include "core/time_format.h"
#include "imaging/jpeg.h"
#include "tasks/rules.h"

namespace tilsyn::pipeline {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int kBatch = 100;
// How long a sweeper holds the images it claimed (a batch takes seconds): one that failed or
// was killed mid-way leaves the rest to the next sweep after this.
constexpr int64_t kSweepLeaseMs = 60'000;

Json PayloadFor(const tasks::Task& task, const store::Observation& obs,
                const store::AssessmentRecord& a, const std::string& key) {
  return {{"assessment_id", a.id}, {"observation_id", obs.id},
          {"task_id", task.id},    {"task_title", task.title},
          {"outcome", a.outcome},  {"reason", a.reason},
          {"counts", a.counts},    {"captured_at", FormatIso8601(obs.captured_ms)},
          {"lat", obs.lat},        {"lon", obs.lon},
          {"idempotency_key", key}};
}

}  // namespace

Pipeline::Pipeline(store::Store* store, store::BlobStore* blobs,
                   recognition::Recognizer* recognizer, actions::Dispatcher* dispatcher,
                   Clock* clock, PipelineOptions options)
    : store_(store),
      blobs_(blobs),
      recognizer_(recognizer),
      dispatcher_(dispatcher),
      clock_(clock),
      options_(options) {}

Pipeline::~Pipeline() { Stop(); }

void Pipeline::UseServerAnonymizer(ServerAnonymizer::Factory anonymizers) {
  anonymizer_ = std::make_unique<ServerAnonymizer>(std::move(anonymizers));
}

Status Pipeline::Process(const std::string& observation_id) {
  TILSYN_ASSIGN_OR_RETURN(store::Observation obs, store_->GetObservation(observation_id));
  if (obs.state == store::ObservationState::kReceived) {
    Status st = Reanonymize(obs);
    if (!st.ok()) return RecordFailure(observation_id, store::ObservationState::kReceived, st);
    TILSYN_ASSIGN_OR_RETURN(obs, store_->GetObservation(observation_id));
  }
  if (obs.state == store::ObservationState::kStored) {
    Status st = Assess(obs);
    if (st.code() == Code::kAlreadyExists) {
      st = Status::Ok();  // another worker recorded it first
    }
    if (!st.ok()) return RecordFailure(observation_id, store::ObservationState::kStored, st);
    TILSYN_ASSIGN_OR_RETURN(obs, store_->GetObservation(observation_id));
  }
  if (obs.state == store::ObservationState::kAssessed) return ApplyRetention(obs);
  return Status::Ok();  // done or failed: nothing left to do
}

Status Pipeline::RecordFailure(const std::string& observation_id, store::ObservationState state,
                               const Status& st) {
  TILSYN_ASSIGN_OR_RETURN(store::Observation obs, store_->GetObservation(observation_id));
  if (obs.state != state) return st;
  obs.attempts += 1;
  obs.error = st.ToString();
  obs.updated_ms = clock_->NowMs();
  // Transient causes (an outage, a timeout, open breakers) never end in kFailed: the
  // observation waits, retried at the capped backoff, until the service is back.
  const bool give_up = options_.retry.GiveUp(st, obs.attempts);
  if (give_up) obs.state = store::ObservationState::kFailed;
  (give_up ? LogError : LogWarn)(state == store::ObservationState::kReceived
                                     ? "server_anonymization_failed"
                                     : "recognition_failed",
                                 {{"observation_id", obs.id},
                                  {"attempts", obs.attempts},
                                  {"final", give_up},
                                  {"error", obs.error}});
  TILSYN_RETURN_IF_ERROR(store_->UpdateObservation(obs));
  return st;
}

Status Pipeline::Reanonymize(store::Observation& obs) {
  if (!anonymizer_) {
    return Status::Unavailable("this worker has no server anonymizer; the upload waits for one");
  }
  if (obs.blob_key.empty()) return Status::NotFound("the observation has no image", "image");
  TILSYN_ASSIGN_OR_RETURN(std::string upload, blobs_->Get(obs.blob_key));
  // The job carries a text task's expected text (protected evidence); a job removed since the
  // upload means no protection, which is the safe side.
  Result<tasks::CaptureJob> job = store_->GetJob(obs.job_id);
  if (!job.ok() && job.status().code() != Code::kNotFound) return job.status();
  TILSYN_ASSIGN_OR_RETURN(ServerAnonymizer::Cleaned clean,
                          anonymizer_->Clean(upload, job.ok() ? &*job : nullptr));
  // Same key: the quarantined bytes are replaced (the blob stores write a new file or row and
  // drop the old one). A crash between Put and the record makes the next try anonymize the
  // already anonymized image again: harmless.
  TILSYN_RETURN_IF_ERROR(blobs_->Put(obs.blob_key, clean.jpeg));
  obs.image_sha256 = Sha256Hex(clean.jpeg);
  obs.anonymization["server"] = clean.report.ToJson();
  obs.updated_ms = clock_->NowMs();
  Status recorded = store_->RecordServerAnonymization(obs, static_cast<int64_t>(clean.jpeg.size()));
  if (recorded.code() == Code::kFailedPrecondition) return Status::Ok();  // another worker did it
  TILSYN_RETURN_IF_ERROR(recorded);
  obs.state = store::ObservationState::kStored;
  LogInfo("observation_anonymized",
          {{"observation_id", obs.id},
           {"server_counts", obs.anonymization["server"].value("counts", Json())}});
  return Status::Ok();
}

Result<std::vector<tasks::PermitMatch>> Pipeline::PermitsNear(const tasks::Task& task,
                                                              const store::Observation& obs) {
  // A box around the position, the rule's distance wide (plus a margin for the projection).
  const double pad_m = task.rule.permit_distance_m + 5;
  const double dlat = pad_m / 111'000.0;
  const double dlon = pad_m / (111'000.0 * std::max(0.01, std::cos(obs.lat * M_PI / 180.0)));
  store::PermitFilter f;
  f.near = geo::BBox{obs.lat - dlat, obs.lon - dlon, obs.lat + dlat, obs.lon + dlon};
  if (!task.rule.permit_kind.empty()) f.kind = task.rule.permit_kind;
  TILSYN_ASSIGN_OR_RETURN(std::vector<tasks::Permit> permits, store_->permits().ListPermits(f));
  std::vector<tasks::PermitMatch> out;
  for (tasks::Permit& p : permits) {
    const double d = p.area.DistanceM({obs.lat, obs.lon});
    if (d > task.rule.permit_distance_m) continue;
    const bool valid = p.ValidAt(obs.captured_ms);
    out.push_back({std::move(p), d, valid});
  }
  return out;
}

Status Pipeline::Assess(store::Observation& obs) {
  TILSYN_ASSIGN_OR_RETURN(tasks::Task task, store_->GetTask(obs.task_id));
  if (obs.blob_key.empty()) return Status::NotFound("the observation has no image", "image");
  TILSYN_ASSIGN_OR_RETURN(std::string bytes, blobs_->Get(obs.blob_key));
  TILSYN_ASSIGN_OR_RETURN(cv::Mat bgr, imaging::DecodeJpeg(bytes));

  recognition::RecognizeRequest req;
  req.targets = task.targets;
  req.data_class = task.data_class;
  req.count_exactly = task.kind == tasks::TaskKind::kCount;
  if (task.rule.roi) {
    req.roi = cv::Rect2d(task.rule.roi->x, task.rule.roi->y, task.rule.roi->w, task.rule.roi->h);
  }
  // Before/after: compare with the task's reference image, the first one kept. The first
  // observation becomes that reference itself (an "ok" baseline, kept as documentation).
  bool baseline = false;
  std::string reference_id;
  if (tasks::ComparesWithReference(task)) {
    TILSYN_ASSIGN_OR_RETURN(std::optional<store::Observation> ref,
                            store_->ReferenceObservation(task.id, obs.id));
    if (ref) {
      reference_id = ref->id;
      TILSYN_ASSIGN_OR_RETURN(std::string ref_bytes, blobs_->Get(ref->blob_key));
      TILSYN_ASSIGN_OR_RETURN(req.reference, imaging::DecodeJpeg(ref_bytes));
    } else {
      baseline = true;
    }
  }
  const TimeMs started = clock_->NowMs();
  recognition::Recognition rec;
  if (!baseline) {
    TILSYN_ASSIGN_OR_RETURN(rec, recognizer_->Recognize(bgr, req));
  }
  const TimeMs now = clock_->NowMs();
  if (rec.runs.empty() && !rec.service.empty()) {
    // A bare service (no fallback chain) reports no runs; record its one call.
    recognition::RunResult run;
    run.service = rec.service;
    run.started_ms = started;
    run.finished_ms = now;
    run.detections = rec.detections;
    run.good_enough = rec.good_enough;
    rec.runs.push_back(std::move(run));
  }

  const std::string label = task.targets.empty() ? "" : task.targets.front().label;
  std::vector<store::RecognitionRunRecord> runs;
  for (size_t i = 0; i < rec.runs.size(); ++i) {
    const recognition::RunResult& r = rec.runs[i];
    store::RecognitionRunRecord rr;
    rr.id = NewUuid();
    rr.observation_id = obs.id;
    rr.service = r.service;
    rr.label = label;
    rr.position = static_cast<int>(i);
    rr.started_ms = r.started_ms;
    rr.finished_ms = r.finished_ms;
    rr.detections = tasks::DetectionsToJson(r.detections);
    rr.good_enough = r.good_enough;
    rr.error = r.error;
    runs.push_back(std::move(rr));
  }

  tasks::AssessContext context;
  context.image_width = bgr.cols;
  if (task.kind == tasks::TaskKind::kPermitCheck && !baseline) {
    TILSYN_ASSIGN_OR_RETURN(context.permits, PermitsNear(task, obs));
  }
  tasks::AssessmentResult result = tasks::Assess(task, rec.detections, rec.good_enough, context);
  if (baseline) {
    result.outcome = tasks::Outcome::kOk;
    const bool permit = task.kind == tasks::TaskKind::kPermitCheck;
    const bool condition = task.kind == tasks::TaskKind::kCondition;
    result.reason_code = permit      ? "reference_empty_site"
                         : condition ? "reference_condition"
                                     : "reference_before_after";
    result.reason_params.clear();
    result.reason = permit ? "first image of the site: kept as the reference of the empty site"
                    : condition
                        ? "first image of the site: kept as the reference of the object's condition"
                        : "first image of the site: kept as the before/after reference";
  }
  store::AssessmentRecord a;
  a.id = NewUuid();
  a.observation_id = obs.id;
  a.task_id = task.id;
  a.outcome = std::string(tasks::ToString(result.outcome));
  a.reason = result.reason;
  a.reason_code = result.reason_code;
  for (const auto& [k, v] : result.reason_params) a.reason_params[k] = v;
  a.counts = Json::object();
  for (const auto& [l, n] : result.counts) a.counts[l] = n;
  if (result.left && result.right) {
    a.counts["by_side"] = {{"left", *result.left}, {"right", *result.right}};
  }
  a.created_ms = now;
  a.reference_observation_id = reference_id;

  std::vector<store::ActionRunRecord> actions;
  for (size_t i = 0; i < task.actions.size(); ++i) {
    const tasks::ActionSpec& spec = task.actions[i];
    if (std::find(spec.on.begin(), spec.on.end(), result.outcome) == spec.on.end()) continue;
    store::ActionRunRecord run;
    run.id = NewUuid();
    run.assessment_id = a.id;
    run.task_id = task.id;
    run.type = spec.type;
    run.target = spec.url;
    run.idempotency_key = a.id + ":" + std::to_string(i);
    run.payload = PayloadFor(task, obs, a, run.idempotency_key);
    if (spec.type == "webhook" && spec.format == "cloudevents") {
      run.payload =
          actions::CloudEvent(run.idempotency_key, task.id, "dk.tilsyn.assessment." + a.outcome,
                              "observations/" + obs.id, a.created_ms, std::move(run.payload));
    }
    if (spec.type == "contractor" && task.contractor) {
      // The contractor's e-mail, with a deadline counted from the capture date.
      run.target = task.contractor->email;
      run.payload["language"] = task.contractor->language;
      run.payload["time_zone"] = task.schedule.time_zone;
      run.payload["contractor"] = task.contractor->name;
      run.payload["deadline"] =
          FormatIso8601(obs.captured_ms + task.contractor->deadline_days * kDayMs).substr(0, 10);
    }
    if (spec.type == "email") actions::AddressEmail(spec, task, &run);
    run.next_attempt_ms = now;
    run.created_ms = run.updated_ms = now;
    actions.push_back(std::move(run));
  }

  TILSYN_RETURN_IF_ERROR(store_->RecordAssessment(obs.id, runs, a, actions));
  obs.state = store::ObservationState::kAssessed;
  LogInfo("observation_assessed", {{"observation_id", obs.id},
                                   {"task_id", task.id},
                                   {"outcome", a.outcome},
                                   {"service", rec.service},
                                   {"runs", runs.size()},
                                   {"actions", actions.size()}});
  const int assessed = ++assessed_count_;
  if (options_.crash_after_assessments_for_test >= 0 &&
      assessed >= options_.crash_after_assessments_for_test) {
    std::_Exit(86);  // simulated crash: no destructors, no flushing
  }
  return Status::Ok();
}

// Marks the image deleted and records it in the audit trail (user "system", invariant 5), in one
// transaction.
static Status MarkDeletedAudited(store::Store* store, const std::string& key,
                                 const std::string& observation_id, const std::string& task_id,
                                 TimeMs now, const std::string& reason) {
  const store::AuditEvent e = store::NewAuditEvent(
      now, "system", "system", "image.delete", "image", observation_id,
      reason == "retention" ? "retention deadline reached" : "no finding: not needed",
      {{"reason", reason}, {"task_id", task_id}, {"blob_key", key}});
  // Deleted already (another worker's sweep, a retry): no second audit entry.
  Status st = store->WithAudit(e, [&](store::Store& s) -> Status {
    TILSYN_ASSIGN_OR_RETURN(store::BlobRecord b, s.GetBlob(key));
    if (b.deleted_ms) return Status::AlreadyExists("image already deleted");
    return s.MarkBlobDeleted(key, now, reason);
  });
  return st.code() == Code::kAlreadyExists ? Status::Ok() : st;
}

Status Pipeline::ApplyRetention(store::Observation& obs) {
  TILSYN_ASSIGN_OR_RETURN(tasks::Task task, store_->GetTask(obs.task_id));
  TILSYN_ASSIGN_OR_RETURN(store::AssessmentRecord a, store_->GetAssessmentForObservation(obs.id));
  const TimeMs now = clock_->NowMs();
  if (!obs.blob_key.empty()) {
    // Before/after tasks keep their images as documentation (the reference for later passes);
    // the deadline still applies to them.
    const bool keep = a.outcome == tasks::ToString(tasks::Outcome::kFinding) ||
                      task.retention.keep_non_findings || task.retention.legal_hold ||
                      tasks::ComparesWithReference(task);
    // An inconclusive image is kept for a short review (what did the detectors miss?), then goes.
    const bool review = a.outcome == tasks::ToString(tasks::Outcome::kInconclusive) &&
                        task.retention.inconclusive_days > 0;
    if (keep) {
      TILSYN_RETURN_IF_ERROR(store_->SetBlobDeadline(
          obs.blob_key, now + static_cast<int64_t>(task.retention.evidence_days) * kDayMs));
    } else if (review) {
      TILSYN_RETURN_IF_ERROR(store_->SetBlobDeadline(
          obs.blob_key, now + static_cast<int64_t>(task.retention.inconclusive_days) * kDayMs));
    } else {
      // Bytes first: after a crash in between, the retry deletes again (a no-op) and marks.
      TILSYN_RETURN_IF_ERROR(blobs_->Delete(obs.blob_key));
      TILSYN_RETURN_IF_ERROR(
          MarkDeletedAudited(store_, obs.blob_key, obs.id, obs.task_id, now, "no_finding"));
    }
    // MarkBlobDeleted cleared blob_key in the store; continue from the stored row.
    TILSYN_ASSIGN_OR_RETURN(obs, store_->GetObservation(obs.id));
  }
  obs.state = store::ObservationState::kDone;
  obs.error.clear();
  obs.updated_ms = now;
  return store_->UpdateObservation(obs);
}

Result<int> Pipeline::SweepRetention() {
  const TimeMs now = clock_->NowMs();
  // Claimed with a lease: another sweeper leaves these alone.
  TILSYN_ASSIGN_OR_RETURN(std::vector<store::BlobRecord> due,
                          store_->ClaimDueBlobs(now, now + kSweepLeaseMs, kBatch));
  int work = 0;
  for (const store::BlobRecord& b : due) {
    if (stop_.load()) break;  // the rest go back when their lease ends
    TILSYN_RETURN_IF_ERROR(blobs_->Delete(b.key));
    TILSYN_RETURN_IF_ERROR(
        MarkDeletedAudited(store_, b.key, b.observation_id, b.task_id, now, "retention"));
    LogInfo("image_deleted",
            {{"key", b.key}, {"observation_id", b.observation_id}, {"reason", "retention"}});
    ++work;
  }
  // Location retention and the visit check have their own schedules; a failure of one does not
  // hide what the others did.
  Result<int> erased = SweepLocations();
  if (erased.ok()) {
    work += *erased;
  } else {
    LogWarn("location_sweep_failed", {{"error", erased.status().ToString()}});
  }
  if (options_.check_visits && now >= next_visit_check_ms_.load()) {
    next_visit_check_ms_ = now + options_.check_visits_every_ms;
    Result<int> queued = options_.check_visits(now);
    if (!queued.ok()) {
      LogWarn("visit_check_failed", {{"error", queued.status().ToString()}});
    } else if (*queued > 0) {
      Wake({kActionLoop});
      work += *queued;
    }
  }
  return work;
}

Result<int> Pipeline::SweepLocations() {
  const TimeMs now = clock_->NowMs();
  if (now < next_location_sweep_ms_.load()) return 0;
  next_location_sweep_ms_ = now + 10 * 60'000;
  int more = 0;
  if (options_.sweep_more_locations) {
    // GPS history on disk: a failure there (a full or read-only disk) leaves the observations'
    // locations to be erased all the same; both are tried again at the next window.
    Result<int> r = options_.sweep_more_locations(now);
    if (r.ok()) {
      more = *r;
    } else {
      LogWarn("location_sweep_more_failed", {{"error", r.status().ToString()}});
    }
  }
  if (options_.location_retention_days <= 0) return more;
  TILSYN_ASSIGN_OR_RETURN(
      std::vector<std::string> due,
      store_->LocationsDue(now - options_.location_retention_days * kDayMs, kBatch));
  // Vehicles' last positions: a failure there leaves the observations to be erased all the same.
  Result<int> vehicles = EraseVehiclePositions(now - options_.location_retention_days * kDayMs);
  if (vehicles.ok()) {
    more += *vehicles;
  } else {
    LogWarn("vehicle_position_sweep_failed", {{"error", vehicles.status().ToString()}});
  }
  if (due.empty()) return more;
  const store::AuditEvent e = store::NewAuditEvent(
      now, "system", "system", "observation.erase", "observation", "", "location retention",
      {{"reason", "location_retention"}, {"observations", due}});
  TILSYN_RETURN_IF_ERROR(store_->WithAudit(e, [&](store::Store& s) -> Status {
    for (const std::string& id : due) {
      Status st = s.EraseObservationLocation(id, now);
      // Taken up again by the pipeline since the list was made: erased on a later sweep.
      if (!st.ok() && st.code() != Code::kFailedPrecondition) return st;
    }
    return Status::Ok();
  }));
  LogInfo("locations_erased", {{"observations", due.size()}, {"reason", "location_retention"}});
  if (static_cast<int>(due.size()) == kBatch) next_location_sweep_ms_ = 0;  // more are waiting
  return more + static_cast<int>(due.size());
}

Result<int> Pipeline::EraseVehiclePositions(TimeMs before) {
  const TimeMs now = clock_->NowMs();
  TILSYN_ASSIGN_OR_RETURN(std::vector<std::string> due, store_->VehiclePositionsDue(before));
  if (due.empty()) return 0;
  const store::AuditEvent e = store::NewAuditEvent(
      now, "system", "system", "vehicle.position_erase", "vehicle", "", "location retention",
      {{"reason", "location_retention"}, {"vehicles", due}});
  TILSYN_RETURN_IF_ERROR(store_->WithAudit(e, [&](store::Store& s) -> Status {
    for (const std::string& id : due) {
      Status st = s.EraseVehiclePosition(id, before);
      if (!st.ok() && st.code() != Code::kNotFound) return st;  // a vehicle deleted meanwhile
    }
    return Status::Ok();
  }));
  LogInfo("vehicle_positions_erased", {{"vehicles", due.size()}, {"reason", "location_retention"}});
  return static_cast<int>(due.size());
}

Result<int> Pipeline::AssessPending() { return AssessPendingAs(options_.worker); }

Result<int> Pipeline::AssessPendingAs(const std::string& lease_name) {
  bool first_pass = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    first_pass = started_leases_.insert(lease_name).second;
  }
  if (first_pass) {
    // What a previous run under this name held when it was killed is taken again at once.
    Status released = store_->ReleaseLeasesOf(lease_name);
    if (!released.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      started_leases_.erase(lease_name);
      return released;
    }
  }
  int work = 0;
  std::set<std::string> tried;  // this pass: a failed step is not taken again at once
  while (work < kBatch && !stop_.load()) {
    // The lease: other threads and workers on the same database leave this observation alone.
    const TimeMs now = clock_->NowMs();
    TILSYN_ASSIGN_OR_RETURN(std::optional<store::Observation> obs,
                            store_->ClaimNextObservation(lease_name, now, now + options_.lease_ms));
    if (!obs) break;
    if (!tried.insert(obs->id).second) {
      // Failed earlier in this pass and due again already (a long pass): back to the queue for
      // the next pass, not left under this pass's lease until it runs out.
      Status released = store_->ReleaseObservation(obs->id, lease_name, now);
      if (!released.ok()) {
        LogWarn("pipeline_release_failed",
                {{"observation_id", obs->id}, {"error", released.ToString()}});
      }
      break;
    }
    Status st = Process(obs->id);
    if (!st.ok()) {
      LogWarn("pipeline_process_failed", {{"observation_id", obs->id}, {"error", st.ToString()}});
      // Nobody takes it again before the retry delay; then any worker may, not only this one
      // after the lease.
      Result<store::Observation> now_obs = store_->GetObservation(obs->id);
      const int attempts = now_obs.ok() ? now_obs->attempts : obs->attempts + 1;
      const TimeMs not_before = clock_->NowMs() + options_.retry.DelayMs(std::max(1, attempts));
      Status released = store_->ReleaseObservation(obs->id, lease_name, not_before);
      if (!released.ok()) {
        LogWarn("pipeline_release_failed",
                {{"observation_id", obs->id}, {"error", released.ToString()}});
      }
    }
    ++work;
  }
  return work;
}

Result<int> Pipeline::DispatchActions() {
  if (dispatcher_ == nullptr) return 0;
  TILSYN_ASSIGN_OR_RETURN(int work, dispatcher_->RunDue(50, &stop_));
  // Open cases are looked up at most once a minute — or as often as each is to be asked
  // (follow_up_every_ms) when that is shorter, but not more than once a second —
  // not on every pass; not counted as work, so the loop can idle.
  const TimeMs now = clock_->NowMs();
  TimeMs last = last_follow_up_ms_.load();
  const int64_t cadence = std::clamp<int64_t>(options_.follow_up_every_ms, 1'000, 60'000);
  if (now - last >= cadence && last_follow_up_ms_.compare_exchange_strong(last, now)) {
    Result<int> followed = dispatcher_->FollowUp(options_.follow_up_every_ms);
    if (!followed.ok()) {
      LogWarn("action_follow_up_failed", {{"error", followed.status().ToString()}});
    }
  }
  return work;
}

Result<int> Pipeline::RunOnce() {
  int work = 0;
  struct Pass {
    const char* failure;
    Result<int> (Pipeline::*run)();
  };
  for (const Pass& pass : {Pass{"pipeline_assess_failed", &Pipeline::AssessPending},
                           Pass{"action_dispatch_failed", &Pipeline::DispatchActions},
                           Pass{"retention_sweep_failed", &Pipeline::SweepRetention}}) {
    if (stop_.load()) break;
    Result<int> n = (this->*pass.run)();
    if (n.ok()) {
      work += *n;
    } else {
      LogWarn(pass.failure, {{"error", n.status().ToString()}});
    }
  }
  return work;
}

void Pipeline::Start() {
  if (!workers_.empty()) return;
  stop_ = false;
  for (int i = 0; i < std::max(1, options_.assess_threads); ++i) {
    const std::string lease = i == 0 ? options_.worker : options_.worker + "#" + std::to_string(i);
    workers_.emplace_back([this, lease] {
      RunLoop(
          kAssessLoop, [this, lease] { return AssessPendingAs(lease); }, "assess");
    });
  }
  for (int i = 0; i < std::max(1, options_.action_threads); ++i) {
    workers_.emplace_back([this] {
      RunLoop(
          kActionLoop, [this] { return DispatchActions(); }, "actions");
    });
  }
  workers_.emplace_back([this] {
    RunLoop(
        kRetentionLoop, [this] { return SweepRetention(); }, "retention");
  });
}

void Pipeline::RunLoop(int loop, const std::function<Result<int>()>& pass, const char* name) {
  uint64_t seen = 0;
  while (!stop_.load()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen = wake_gen_[loop];
    }
    Result<int> n = pass();
    if (!n.ok()) {
      LogError("pipeline_pass_failed", {{"loop", name}, {"error", n.status().ToString()}});
    }
    const bool busy = n.ok() && *n > 0;
    // Assessments make action runs and retention deadlines: the other loops look at once.
    if (loop == kAssessLoop && busy) Wake({kActionLoop, kRetentionLoop});
    std::unique_lock<std::mutex> lock(mu_);
    if (busy && !stop_.load()) continue;  // more may be waiting
    // A wake-up during the pass counts: its work may have come after the pass looked.
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                 [&] { return wake_gen_[loop] != seen || stop_.load(); });
  }
}

void Pipeline::Wake(std::initializer_list<int> loops) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int l : loops) ++wake_gen_[l];
  }
  cv_.notify_all();
}

void Pipeline::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
}

void Pipeline::Notify() { Wake({kAssessLoop, kActionLoop, kRetentionLoop}); }

Status RetryFailedObservation(store::Store* store, const std::string& observation_id,
                              Clock* clock) {
  TILSYN_ASSIGN_OR_RETURN(store::Observation obs, store->GetObservation(observation_id));
  if (obs.state != store::ObservationState::kFailed) {
    return Status::FailedPrecondition("only a failed observation can be retried (it is " +
                                          std::string(store::ToString(obs.state)) + ")",
                                      "state");
  }
  // One that failed before the server's anonymization pass goes back to it, never past it.
  obs.state = store::AwaitsServerAnonymization(obs) ? store::ObservationState::kReceived
                                                    : store::ObservationState::kStored;
  obs.attempts = 0;
  obs.error.clear();
  obs.updated_ms = clock->NowMs();
  LogInfo("observation_retry", {{"observation_id", obs.id}});
  return store->UpdateObservation(obs);
}

}  // namespace tilsyn::pipeline
