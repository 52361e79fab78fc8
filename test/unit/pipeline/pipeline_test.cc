#include "pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <set>
#include <thread>

#include "core/time_format.h"
#include "fakes/fake_recognizer.h"
#include "fakes/fake_world.h"
#include "fakes/test_paths.h"
#include "fakes/test_store.h"
#include "imaging/jpeg.h"
#include "net/http_server.h"

namespace tilsyn::pipeline {
namespace {

using store::ObservationState;
using testing::FakeRecognizer;

constexpr int64_t kDay = 86'400'000;

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::OpenTestStore(dir_.path());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    auto b = store::OpenDirBlobStore(dir_.Sub("blobs"));
    ASSERT_TRUE(b.ok());
    blobs_ = std::move(*b);
    task_ = testing::ActiveTask(clock_.NowMs());
    vehicle_ = testing::MakeVehicle(store_.get(), clock_.NowMs());
    dispatcher_ =
        std::make_unique<actions::Dispatcher>(store_.get(), &clock_, actions::DispatcherOptions{});
    dispatcher_->Register("log", actions::NewLogAction());
  }

  void CreateTask() { testing::CreateTaskWithJob(store_.get(), task_); }

  // An observation in `state` with a real JPEG in the blob store.
  // The image first, then the record, as ingest does: a running pipeline may claim the
  // observation the moment it is recorded.
  store::Observation AddObservation(ObservationState state = ObservationState::kStored) {
    const std::string id = NewUuid();
    cv::Mat img(120, 160, CV_8UC3, cv::Scalar(30, 60, 90));
    EXPECT_TRUE(blobs_->Put(id + ".jpg", *imaging::EncodeJpeg(img)).ok());
    return testing::InsertObservation(store_.get(), task_, vehicle_.id, clock_.NowMs(), state, id);
  }

  std::unique_ptr<Pipeline> MakePipeline(PipelineOptions o = {}) {
    return std::make_unique<Pipeline>(store_.get(), blobs_.get(), &recognizer_, dispatcher_.get(),
                                      &clock_, o);
  }

  store::Observation Get(const std::string& id) {
    auto o = store_->GetObservation(id);
    EXPECT_TRUE(o.ok());
    return o.ok() ? *o : store::Observation{};
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<actions::Dispatcher> dispatcher_;
  FakeRecognizer recognizer_{"fake-person"};
  tasks::Task task_;
  store::Vehicle vehicle_;
};

TEST_F(PipelineTest, StoredObservationBecomesDoneWithAssessmentRunsAndActions) {
  task_.actions.push_back({"webhook", {tasks::Outcome::kFinding}, "http://127.0.0.1:9/x", "k"});
  CreateTask();
  const store::Observation obs = AddObservation();
  recognizer_.ThenPerson(0.9);  // presence task: the person is there → ok
  auto p = MakePipeline();
  ASSERT_TRUE(p->Process(obs.id).ok());

  EXPECT_EQ(Get(obs.id).state, ObservationState::kDone);
  auto a = store_->GetAssessmentForObservation(obs.id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->outcome, "ok");
  EXPECT_EQ(a->task_id, task_.id);
  EXPECT_EQ(a->counts["person"], 1);
  auto runs = store_->RunsForObservation(obs.id);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].service, "fake-person");
  EXPECT_EQ((*runs)[0].label, "person");
  EXPECT_EQ((*runs)[0].position, 0);
  EXPECT_TRUE((*runs)[0].good_enough);
  EXPECT_EQ((*runs)[0].detections.size(), 1u);
  EXPECT_EQ(recognizer_.last_request().data_class, "internal");

  // Only the log action is for "ok"; the webhook is for findings.
  auto actions = store_->ListActionRuns(a->id, 10);
  ASSERT_TRUE(actions.ok());
  ASSERT_EQ(actions->size(), 1u);
  const store::ActionRunRecord& run = (*actions)[0];
  EXPECT_EQ(run.type, "log");
  EXPECT_EQ(run.idempotency_key, a->id + ":0");
  EXPECT_EQ(run.payload["assessment_id"], a->id);
  EXPECT_EQ(run.payload["observation_id"], obs.id);
  EXPECT_EQ(run.payload["task_title"], task_.title);
  EXPECT_EQ(run.payload["outcome"], "ok");
  EXPECT_EQ(run.payload["idempotency_key"], run.idempotency_key);
  EXPECT_TRUE(run.payload["captured_at"].is_string());
  EXPECT_DOUBLE_EQ(run.payload["lat"].get<double>(), testing::kSite.lat);

  // Processing again changes nothing.
  ASSERT_TRUE(p->Process(obs.id).ok());
  EXPECT_EQ(recognizer_.calls(), 1);
}

TEST_F(PipelineTest, NoFindingDeletesTheImageAtOnce) {
  CreateTask();
  const store::Observation obs = AddObservation();
  recognizer_.ThenPerson(0.9);
  ASSERT_TRUE(MakePipeline()->Process(obs.id).ok());
  EXPECT_FALSE(blobs_->Exists(obs.blob_key));
  const store::Observation after = Get(obs.id);
  EXPECT_EQ(after.blob_key, "");
  EXPECT_EQ(after.state, ObservationState::kDone);
  auto blob = store_->GetBlob(obs.blob_key);
  ASSERT_TRUE(blob.ok());
  ASSERT_TRUE(blob->deleted_ms.has_value());
  EXPECT_EQ(blob->deleted_reason, "no_finding");
}

TEST_F(PipelineTest, KeepNonFindingsKeepsTheImage) {
  task_.retention.keep_non_findings = true;
  CreateTask();
  const store::Observation obs = AddObservation();
  recognizer_.ThenPerson(0.9);
  ASSERT_TRUE(MakePipeline()->Process(obs.id).ok());
  EXPECT_TRUE(blobs_->Exists(obs.blob_key));
}

TEST_F(PipelineTest, FindingIsKeptUntilTheDeadlineThenSwept) {
  task_.retention.evidence_days = 7;
  CreateTask();
  const store::Observation obs = AddObservation();
  recognizer_.ThenPerson(-1);  // nobody there → finding
  auto p = MakePipeline();
  ASSERT_TRUE(p->Process(obs.id).ok());
  auto a = store_->GetAssessmentForObservation(obs.id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->outcome, "finding");
  EXPECT_TRUE(blobs_->Exists(obs.blob_key));
  auto blob = store_->GetBlob(obs.blob_key);
  ASSERT_TRUE(blob.ok());
  ASSERT_TRUE(blob->delete_after_ms.has_value());
  EXPECT_EQ(*blob->delete_after_ms, clock_.NowMs() + 7 * kDay);

  clock_.Advance(7 * kDay - 1);
  auto swept = p->SweepRetention();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 0);
  EXPECT_TRUE(blobs_->Exists(obs.blob_key));

  clock_.Advance(1);
  swept = p->SweepRetention();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1);
  EXPECT_FALSE(blobs_->Exists(obs.blob_key));
  blob = store_->GetBlob(obs.blob_key);
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(blob->deleted_reason, "retention");
  EXPECT_EQ(Get(obs.id).blob_key, "");
  EXPECT_EQ(*p->SweepRetention(), 0);
}

// An inconclusive image is kept for a short review (default 7 days), then swept; with 0 days it
// goes at once like any other non-finding.
TEST_F(PipelineTest, InconclusiveImagesAreKeptForReviewThenSwept) {
  task_.retention.evidence_days = 30;
  CreateTask();
  auto p = MakePipeline();
  const store::Observation obs = AddObservation();
  recognizer_.ThenPerson(0.4, /*good_enough=*/false);
  ASSERT_TRUE(p->Process(obs.id).ok());
  ASSERT_EQ(store_->GetAssessmentForObservation(obs.id)->outcome, "inconclusive");
  EXPECT_TRUE(blobs_->Exists(obs.blob_key));
  EXPECT_EQ(*store_->GetBlob(obs.blob_key)->delete_after_ms, clock_.NowMs() + 7 * kDay)
      << "the review period, not the evidence period";
  clock_.Advance(7 * kDay);
  EXPECT_EQ(*p->SweepRetention(), 1);
  EXPECT_FALSE(blobs_->Exists(obs.blob_key));

  task_.retention.inconclusive_days = 0;
  ASSERT_TRUE(store_->UpdateTask(task_, std::nullopt).ok());
  const store::Observation now = AddObservation();
  recognizer_.ClearScript().ThenPerson(0.4, false);
  ASSERT_TRUE(p->Process(now.id).ok());
  EXPECT_FALSE(blobs_->Exists(now.blob_key)) << "no review: deleted at once";
  EXPECT_EQ(store_->GetBlob(now.blob_key)->deleted_reason, "no_finding");
}

TEST_F(PipelineTest, LegalHoldStopsTheSweeperAndNoFindingDeletion) {
  task_.retention.legal_hold = true;
  task_.retention.evidence_days = 1;
  CreateTask();
  const store::Observation finding = AddObservation();
  const store::Observation ok = AddObservation();
  recognizer_.ThenPerson(-1).ThenPerson(0.9);
  auto p = MakePipeline();
  ASSERT_TRUE(p->Process(finding.id).ok());
  ASSERT_TRUE(p->Process(ok.id).ok());
  EXPECT_TRUE(blobs_->Exists(ok.blob_key));
  clock_.Advance(400 * kDay);
  EXPECT_EQ(*p->SweepRetention(), 0);
  EXPECT_TRUE(blobs_->Exists(finding.blob_key));
  EXPECT_TRUE(blobs_->Exists(ok.blob_key));
}

TEST_F(PipelineTest, LocationsAreErasedAfterTheirRetentionOnceTheImageIsGone) {
  task_.retention.evidence_days = 30;
  CreateTask();
  PipelineOptions o;
  o.location_retention_days = 90;
  auto p = MakePipeline(o);
  const store::Observation ok = AddObservation();       // no finding: image deleted at once
  const store::Observation finding = AddObservation();  // kept 30 days as evidence
  recognizer_.ThenPerson(0.9).ThenPerson(-1);
  ASSERT_TRUE(p->Process(ok.id).ok());
  ASSERT_TRUE(p->Process(finding.id).ok());
  clock_.Advance(89 * kDay);
  EXPECT_EQ(*p->SweepLocations(), 0);
  EXPECT_FALSE(store_->GetObservation(ok.id)->location_erased_ms.has_value());
  clock_.Advance(kDay + 11 * 60'000);
  EXPECT_EQ(*p->SweepRetention(), 3) << "the finding's image, then both locations";
  for (const auto& id : {ok.id, finding.id}) {
    store::Observation after = store_->GetObservation(id).value();
    EXPECT_TRUE(after.location_erased_ms.has_value()) << id;
    EXPECT_EQ(after.vehicle_id, "") << id;
  }
  store::AuditFilter f;
  f.action = "observation.erase";
  auto audit = store_->ListAudit(f).value();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].user, "system");
  EXPECT_EQ(audit[0].details["observations"].size(), 2u);
}

TEST_F(PipelineTest, AFailingHistorySweepDoesNotStopObservationLocationsOrImageDeletion) {
  CreateTask();
  PipelineOptions o;
  o.location_retention_days = 1;
  int calls = 0;
  o.sweep_more_locations = [&](TimeMs) -> Result<int> {
    ++calls;
    return Status::IoError("history folder is read-only");
  };
  auto p = MakePipeline(o);
  const store::Observation obs = AddObservation();
  recognizer_.ThenPerson(0.9);
  ASSERT_TRUE(p->Process(obs.id).ok());  // no finding: the image goes at once
  clock_.Advance(2 * kDay);
  auto n = p->SweepRetention();
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(store_->GetObservation(obs.id)->location_erased_ms.has_value());
}

// A vehicle silent for longer than the location retention loses its last position (audited as
// vehicle.position_erase by system); an active one keeps it.
TEST_F(PipelineTest, ASilentVehiclesLastPositionIsErasedAfterTheLocationRetention) {
  PipelineOptions o;
  o.location_retention_days = 1;
  ASSERT_TRUE(store_->UpdateVehiclePosition(vehicle_.id, 55.7, 12.5, clock_.NowMs()).ok());
  store::Vehicle active = testing::MakeVehicle(store_.get(), clock_.NowMs());
  auto p = MakePipeline(o);
  clock_.Advance(2 * kDay);
  ASSERT_TRUE(store_->UpdateVehiclePosition(active.id, 55.7, 12.5, clock_.NowMs()).ok());
  EXPECT_EQ(p->SweepRetention().value(), 1);
  EXPECT_FALSE(store_->GetVehicle(vehicle_.id)->last_lat.has_value());
  EXPECT_TRUE(store_->GetVehicle(active.id)->last_lat.has_value());
  store::AuditFilter f;
  f.action = "vehicle.position_erase";
  auto audit = store_->ListAudit(f).value();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].user, "system");
  EXPECT_EQ(audit[0].details["vehicles"], Json::array({vehicle_.id}));
}

// The server's visit check (sites nobody visits) runs on the retention loop at most every ten
// minutes; a failure is logged and tried at the next window, and hides nothing else.
TEST_F(PipelineTest, TheVisitCheckRunsOnTheRetentionLoopEveryTenMinutes) {
  PipelineOptions o;
  std::vector<TimeMs> calls;
  bool fail = true;
  o.check_visits = [&](TimeMs now) -> Result<int> {
    calls.push_back(now);
    if (fail) return Status::Unavailable("database restarting");
    return 2;
  };
  auto p = MakePipeline(o);
  EXPECT_EQ(p->SweepRetention().value(), 0);
  EXPECT_EQ(p->SweepRetention().value(), 0);
  ASSERT_EQ(calls.size(), 1u) << "not again within ten minutes";
  clock_.Advance(10 * 60'000);
  fail = false;
  EXPECT_EQ(p->SweepRetention().value(), 2) << "the runs it queued count as work";
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1], clock_.NowMs());
}

TEST_F(PipelineTest, LegalHoldKeepsLocationsAndZeroKeepsThemForever) {
  task_.retention.legal_hold = true;
  CreateTask();
  PipelineOptions o;
  o.location_retention_days = 1;
  auto held = MakePipeline(o);
  const store::Observation obs = AddObservation();
  recognizer_.ThenPerson(0.9);
  ASSERT_TRUE(held->Process(obs.id).ok());
  ASSERT_TRUE(store_->MarkBlobDeleted(obs.blob_key, clock_.NowMs(), "retention").ok());
  clock_.Advance(400 * kDay);
  EXPECT_EQ(*held->SweepLocations(), 0);
  task_.retention.legal_hold = false;
  ASSERT_TRUE(store_->UpdateTask(task_, std::nullopt).ok());
  EXPECT_EQ(*MakePipeline()->SweepLocations(), 0) << "0 days: kept";
  EXPECT_FALSE(store_->GetObservation(obs.id)->location_erased_ms.has_value());
  EXPECT_EQ(*MakePipeline(o)->SweepLocations(), 1);
}

TEST_F(PipelineTest, RestartResumesStoredAndAssessedObservations) {
  CreateTask();
  const store::Observation stored = AddObservation();
  // One left in kAssessed by a crash between RecordAssessment and retention.
  const store::Observation assessed = AddObservation();
  store::AssessmentRecord a;
  a.id = NewUuid();
  a.observation_id = assessed.id;
  a.task_id = task_.id;
  a.outcome = "ok";
  a.created_ms = clock_.NowMs();
  ASSERT_TRUE(store_->RecordAssessment(assessed.id, {}, a, {}).ok());
  ASSERT_EQ(Get(assessed.id).state, ObservationState::kAssessed);

  recognizer_.ThenPerson(-1);
  auto p = MakePipeline();  // a fresh pipeline = a restarted server
  auto n = p->RunOnce();
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_GE(*n, 2);
  EXPECT_EQ(Get(stored.id).state, ObservationState::kDone);
  EXPECT_EQ(Get(assessed.id).state, ObservationState::kDone);
  EXPECT_EQ(recognizer_.calls(), 1);                // the assessed one is not recognised again
  EXPECT_TRUE(blobs_->Exists(stored.blob_key));     // finding
  EXPECT_FALSE(blobs_->Exists(assessed.blob_key));  // ok → deleted
  // RunOnce also dispatched the log action of the new assessment.
  auto runs = store_->ListActionRuns(std::nullopt, 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].status, store::ActionStatus::kSucceeded);
}

// A worker whose step failed gives its lease up: another worker may try the observation once the
// retry delay has passed, without waiting out the lease.
TEST_F(PipelineTest, AFailedStepGivesTheLeaseUp) {
  CreateTask();
  const store::Observation obs = AddObservation();
  recognizer_.ThenFail(Status::Unavailable("every service is down"));
  PipelineOptions o;
  o.worker = "worker-a";
  auto p = MakePipeline(o);
  ASSERT_TRUE(p->AssessPending().ok());
  EXPECT_EQ(Get(obs.id).state, ObservationState::kStored);
  auto claim_b = [&] {
    return store_->ClaimNextObservation("worker-b", clock_.NowMs(), clock_.NowMs() + 1000).value();
  };
  EXPECT_FALSE(claim_b().has_value()) << "taken again before the retry delay";
  clock_.Advance(o.retry.DelayMs(1));
  EXPECT_EQ(claim_b().value().id, obs.id);
}

TEST_F(PipelineTest, NonTransientFailureIsRetriedThenFailsVisibly) {
  CreateTask();
  const store::Observation obs = AddObservation();
  recognizer_.ThenFail(Status::Internal("model output has the wrong shape"));
  PipelineOptions o;
  o.retry.max_attempts = 3;
  auto p = MakePipeline(o);

  ASSERT_TRUE(p->RunOnce().ok());
  store::Observation now = Get(obs.id);
  EXPECT_EQ(now.state, ObservationState::kStored);
  EXPECT_EQ(now.attempts, 1);
  EXPECT_NE(now.error.find("wrong shape"), std::string::npos);

  ASSERT_TRUE(p->RunOnce().ok());  // too soon: waits for the retry delay
  EXPECT_EQ(recognizer_.calls(), 1);

  clock_.Advance(1000);
  ASSERT_TRUE(p->RunOnce().ok());
  EXPECT_EQ(Get(obs.id).attempts, 2);
  EXPECT_EQ(Get(obs.id).state, ObservationState::kStored);

  clock_.Advance(2000);
  ASSERT_TRUE(p->RunOnce().ok());
  now = Get(obs.id);
  EXPECT_EQ(now.attempts, 3);
  EXPECT_EQ(now.state, ObservationState::kFailed);
  EXPECT_FALSE(now.error.empty());
  EXPECT_FALSE(store_->GetAssessmentForObservation(obs.id).ok());

  clock_.Advance(kDay);
  ASSERT_TRUE(p->RunOnce().ok());
  EXPECT_EQ(recognizer_.calls(), 3);

  // An operator puts it back; the next pass assesses it.
  recognizer_.ClearScript().ThenPerson(0.9);
  ASSERT_TRUE(RetryFailedObservation(store_.get(), obs.id, &clock_).ok());
  EXPECT_EQ(Get(obs.id).attempts, 0);
  ASSERT_TRUE(p->RunOnce().ok());
  EXPECT_EQ(Get(obs.id).state, ObservationState::kDone);
  EXPECT_EQ(RetryFailedObservation(store_.get(), obs.id, &clock_).field(), "state");
  EXPECT_EQ(RetryFailedObservation(store_.get(), "nope", &clock_).code(), Code::kNotFound);
}

// A recognition service that is down for an hour (every call Unavailable, as WalkChain reports
// an outage) leaves the observation waiting, never failed, and once the service is back the
// observation is assessed within the backoff cap (30 s).
TEST_F(PipelineTest, TransientOutageNeverFailsAndIsAssessedSoonAfterRecovery) {
  CreateTask();
  const store::Observation obs = AddObservation();
  recognizer_.ThenFail(Status::Unavailable("all 1 recognition services failed; last: refused"));
  auto p = MakePipeline();
  for (int s = 0; s < 3600; s += 10) {
    ASSERT_TRUE(p->RunOnce().ok());
    clock_.Advance(10'000);
  }
  store::Observation now = Get(obs.id);
  EXPECT_EQ(now.state, ObservationState::kStored);
  EXPECT_GT(now.attempts, 100);  // about every 30 s once the backoff reached its cap
  EXPECT_NE(now.error.find("refused"), std::string::npos);

  recognizer_.ClearScript().ThenPerson(0.9);  // the service is back
  int waited_s = 0;
  while (Get(obs.id).state == ObservationState::kStored && waited_s <= 60) {
    clock_.Advance(1000);
    ++waited_s;
    ASSERT_TRUE(p->RunOnce().ok());
  }
  EXPECT_EQ(Get(obs.id).state, ObservationState::kDone);
  EXPECT_LE(waited_s, 30);
}

// Found by `make faults` (slow remote recognizer): when a pass takes long enough for a failed
// observation to be due again, the claim hands it back within the same pass; it must go back
// unleased, not stay leased (5 min) by a pass that does not process it.
TEST_F(PipelineTest, AnObservationDueAgainWithinAPassIsNotLeftLeased) {
  CreateTask();
  const store::Observation first = AddObservation();
  const store::Observation second = AddObservation();
  // Each call times out after 1.5 s: longer than the first retry delay (1 s).
  recognizer_.WithLatency(&clock_, 1500).ThenFail(Status::DeadlineExceeded("timeout"));
  auto p = MakePipeline();
  ASSERT_TRUE(p->RunOnce().ok());
  EXPECT_GE(Get(first.id).attempts, 1);
  EXPECT_GE(Get(second.id).attempts, 1);
  recognizer_.ClearScript().ThenPerson(0.9).ThenPerson(0.9);  // the service is back
  int waited_s = 0;
  while ((Get(first.id).state == ObservationState::kStored ||
          Get(second.id).state == ObservationState::kStored) &&
         waited_s <= 120) {
    clock_.Advance(1000);
    ++waited_s;
    ASSERT_TRUE(p->RunOnce().ok());
  }
  EXPECT_EQ(Get(first.id).state, ObservationState::kDone);
  EXPECT_EQ(Get(second.id).state, ObservationState::kDone);
  EXPECT_LE(waited_s, 30) << "within the retry cap, not the 5-minute lease";
}

// An upload that reaches the server long after its capture (a vehicle offline for months) keeps
// its image until it is assessed: retention starts at receipt, and the sweeper skips images of
// observations not yet assessed.
TEST_F(PipelineTest, ImageOfAnUnassessedObservationIsNeverSwept) {
  task_.retention.evidence_days = 30;
  CreateTask();
  const store::Observation obs = AddObservation();
  // A deadline that has long passed (as ingest set it before: capture time + evidence_days).
  ASSERT_TRUE(store_->SetBlobDeadline(obs.blob_key, clock_.NowMs() - 370 * kDay).ok());
  recognizer_.ThenFail(Status::Unavailable("down"));
  auto p = MakePipeline();
  ASSERT_TRUE(p->RunOnce().ok());  // sweeps too
  EXPECT_EQ(*p->SweepRetention(), 0);
  EXPECT_TRUE(blobs_->Exists(obs.blob_key));
  recognizer_.ClearScript().ThenPerson(-1);  // back: nobody there → finding, kept 30 days
  clock_.Advance(30'000);
  ASSERT_TRUE(p->RunOnce().ok());
  EXPECT_EQ(Get(obs.id).state, ObservationState::kDone);
  EXPECT_TRUE(blobs_->Exists(obs.blob_key));
  EXPECT_EQ(*store_->GetBlob(obs.blob_key)->delete_after_ms, clock_.NowMs() + 30 * kDay);
}

TEST_F(PipelineTest, RecognizerRecoveringAfterAFailureCompletes) {
  CreateTask();
  const store::Observation obs = AddObservation();
  recognizer_.ThenFail(Status::Unavailable("blip")).ThenPerson(0.9);
  auto p = MakePipeline();
  EXPECT_FALSE(p->Process(obs.id).ok());
  EXPECT_TRUE(p->Process(obs.id).ok());
  EXPECT_EQ(Get(obs.id).state, ObservationState::kDone);
}

TEST_F(PipelineTest, UndecodableImageFailsAtOnce) {
  CreateTask();
  const store::Observation obs = AddObservation();
  ASSERT_TRUE(blobs_->Put(obs.blob_key, "not a jpeg").ok());
  recognizer_.ThenPerson(0.9);
  EXPECT_FALSE(MakePipeline()->Process(obs.id).ok());
  EXPECT_EQ(Get(obs.id).state, ObservationState::kFailed);
  EXPECT_EQ(recognizer_.calls(), 0);
}

TEST_F(PipelineTest, WorkerThreadProcessesAfterNotify) {
  CreateTask();
  recognizer_.ThenPerson(-1);
  PipelineOptions o;
  o.poll_ms = 10'000;  // only Notify() can wake it in time
  auto p = MakePipeline(o);
  p->Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // first pass: nothing to do
  const store::Observation obs = AddObservation();
  p->Notify();
  for (int i = 0; i < 200 && Get(obs.id).state != ObservationState::kDone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  p->Stop();
  EXPECT_EQ(Get(obs.id).state, ObservationState::kDone);
}

TEST_F(PipelineTest, CrashHookExitsAfterTheConfiguredAssessments) {
  CreateTask();
  const store::Observation obs = AddObservation();
  recognizer_.ThenPerson(0.9);
  PipelineOptions o;
  o.crash_after_assessments_for_test = 1;
  // "fast" death tests fork, so the child sees this test's TempDir; it opens its own store
  // connection like a separate server process would.
  GTEST_FLAG_SET(death_test_style, "fast");
  const std::string db = testing::TestStoreLocation(dir_.path());
  EXPECT_EXIT(
      {
        auto child_store = store::OpenStore(db);
        if (!child_store.ok()) std::_Exit(1);
        Pipeline p(child_store->get(), blobs_.get(), &recognizer_, nullptr, &clock_, o);
        (void)p.Process(obs.id);
        std::_Exit(2);  // not reached when the hook works
      },
      ::testing::ExitedWithCode(86), "");
  // The child recorded the assessment but did not get to retention.
  EXPECT_EQ(Get(obs.id).state, ObservationState::kAssessed);
  EXPECT_TRUE(blobs_->Exists(obs.blob_key));
  // A restarted pipeline finishes it without recognising again.
  ASSERT_TRUE(MakePipeline()->Process(obs.id).ok());
  EXPECT_EQ(Get(obs.id).state, ObservationState::kDone);
}

}  // namespace
}  // namespace tilsyn::pipeline

namespace tilsyn::pipeline {
namespace {

TEST_F(PipelineTest, BeforeAfterFirstImageBecomesTheReferenceAndLaterOnesAreComparedToIt) {
  task_.kind = tasks::TaskKind::kBeforeAfter;
  task_.targets = {{"change", 0.5}};
  CreateTask();
  const store::Observation first = AddObservation();
  auto pipeline = MakePipeline();
  ASSERT_TRUE(pipeline->Process(first.id).ok());
  EXPECT_EQ(recognizer_.calls(), 0) << "nothing to compare the first image with";
  auto a1 = store_->GetAssessmentForObservation(first.id);
  ASSERT_TRUE(a1.ok());
  EXPECT_EQ(a1->outcome, "ok");
  EXPECT_TRUE(blobs_->Exists(first.blob_key)) << "the reference is kept as documentation";
  auto blob = store_->GetBlob(first.blob_key);
  ASSERT_TRUE(blob.ok());
  EXPECT_TRUE(blob->delete_after_ms.has_value()) << "kept, but still with a deadline";

  clock_.Advance(60'000);
  const store::Observation second = AddObservation();
  recognizer_.ThenDetect({{"change", 0.9, {0, 0, 50, 50}}}, true);
  ASSERT_TRUE(pipeline->Process(second.id).ok());
  EXPECT_EQ(recognizer_.calls(), 1);
  EXPECT_FALSE(recognizer_.last_request().reference.empty()) << "the reference went along";
  EXPECT_EQ(recognizer_.last_request().reference.cols, 160);
}

// A condition by change: the image an inspector marked is the reference, its region of
// interest goes along to the recognizer, and the assessment names the reference it used.
TEST_F(PipelineTest, ConditionByChangeUsesTheMarkedReferenceAndItsRegion) {
  task_.kind = tasks::TaskKind::kCondition;
  task_.targets = {{"change", 0.5}};
  task_.rule.change_threshold = 0.2;
  task_.rule.roi = tasks::Roi{0.1, 0.2, 0.3, 0.4};
  CreateTask();
  auto pipeline = MakePipeline();
  const store::Observation first = AddObservation();
  ASSERT_TRUE(pipeline->Process(first.id).ok());
  EXPECT_NE(store_->GetAssessmentForObservation(first.id)->reason.find("object's condition"),
            std::string::npos);
  clock_.Advance(60'000);
  const store::Observation clear_day = AddObservation();
  recognizer_.ClearScript().ThenDetect({}, true);
  ASSERT_TRUE(pipeline->Process(clear_day.id).ok());
  EXPECT_EQ(store_->GetAssessmentForObservation(clear_day.id)->reference_observation_id, first.id);
  ASSERT_TRUE(store_->MarkReference({task_.id, clear_day.id, "ivan", clock_.NowMs()}).ok());

  clock_.Advance(60'000);
  const store::Observation later = AddObservation();
  tasks::Detection d{"change", 0.9, {0, 0, 50, 50}};
  d.area_fraction = 0.35;
  recognizer_.ClearScript().ThenDetect({d}, true);
  ASSERT_TRUE(pipeline->Process(later.id).ok());
  ASSERT_TRUE(recognizer_.last_request().roi.has_value());
  EXPECT_DOUBLE_EQ(recognizer_.last_request().roi->x, 0.1);
  EXPECT_DOUBLE_EQ(recognizer_.last_request().roi->height, 0.4);
  auto a = store_->GetAssessmentForObservation(later.id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->reference_observation_id, clear_day.id) << "the marked one, not the first";
  EXPECT_EQ(a->outcome, "finding");
  EXPECT_NE(a->reason.find("missing, obscured or damaged"), std::string::npos) << a->reason;
}

// permit_check: the first image is the empty site; a later one with a change is compared with
// the permits near it that are valid at its capture time (tasks/rules.h).
TEST_F(PipelineTest, PermitCheckComparesTheObjectWithThePermitsNearTheCapture) {
  task_.kind = tasks::TaskKind::kPermitCheck;
  task_.targets = {{"change", 0.5}};
  task_.rule.permit_distance_m = 40;
  CreateTask();
  auto pipeline = MakePipeline();
  const store::Observation empty = AddObservation();
  ASSERT_TRUE(pipeline->Process(empty.id).ok());
  auto a0 = store_->GetAssessmentForObservation(empty.id);
  ASSERT_TRUE(a0.ok());
  EXPECT_EQ(a0->outcome, "ok");
  EXPECT_NE(a0->reason.find("empty site"), std::string::npos);
  EXPECT_TRUE(blobs_->Exists(empty.blob_key)) << "the empty site is kept as the reference";

  auto change = [](double fraction) {
    tasks::Detection d{"change", 0.95, {20, 30, 60, 40}};
    d.area_fraction = fraction;
    return d;
  };
  // A container appears; the only permit near it expired yesterday: a finding naming it.
  tasks::Permit expired;
  expired.id = "TMF-OLD";
  expired.holder = "Skips A/S";
  expired.area = geo::Geofence::Circle(testing::kSite, 10);
  expired.valid_from = clock_.NowMs() - 30 * kDay;
  expired.valid_to = clock_.NowMs() - kDay;
  ASSERT_TRUE(store_->permits().PutPermit(expired).ok());
  clock_.Advance(60'000);
  const store::Observation seen = AddObservation();
  recognizer_.ThenDetect({change(0.2)}, true);
  ASSERT_TRUE(pipeline->Process(seen.id).ok());
  EXPECT_FALSE(recognizer_.last_request().reference.empty());
  auto a1 = store_->GetAssessmentForObservation(seen.id);
  ASSERT_TRUE(a1.ok());
  EXPECT_EQ(a1->outcome, "finding");
  EXPECT_NE(a1->reason.find("TMF-OLD"), std::string::npos) << a1->reason;

  // The city issues a permit (a re-import updates it); the next pass is ok and names it.
  tasks::Permit valid = expired;
  valid.id = "TMF-NEW";
  valid.valid_to = clock_.NowMs() + 30 * kDay;
  ASSERT_TRUE(store_->permits().PutPermit(valid).ok());
  clock_.Advance(60'000);
  const store::Observation covered = AddObservation();
  recognizer_.ClearScript().ThenDetect({change(0.2)}, true);
  ASSERT_TRUE(pipeline->Process(covered.id).ok());
  auto a2 = store_->GetAssessmentForObservation(covered.id);
  ASSERT_TRUE(a2.ok());
  EXPECT_EQ(a2->outcome, "ok");
  EXPECT_NE(a2->reason.find("covered by permit TMF-NEW (Skips A/S)"), std::string::npos)
      << a2->reason;
}

// Webhooks carry a CloudEvents 1.0 event (structured JSON mode) unless the action asks for the
// plain body. The checks follow the CloudEvents 1.0 specification's required attributes.
TEST_F(PipelineTest, WebhookPayloadIsACloudEventUnlessPlainIsAsked) {
  tasks::ActionSpec ce{"webhook", {tasks::Outcome::kFinding}, "http://127.0.0.1:9/ce", "k"};
  tasks::ActionSpec plain = ce;
  plain.url = "http://127.0.0.1:9/plain";
  plain.format = "plain";
  task_.actions = {ce, plain};
  CreateTask();
  const store::Observation obs = AddObservation();
  recognizer_.ThenPerson(-1);  // nobody there → finding
  ASSERT_TRUE(MakePipeline()->Process(obs.id).ok());
  auto a = store_->GetAssessmentForObservation(obs.id);
  ASSERT_TRUE(a.ok());
  auto runs = store_->ListActionRuns(a->id, 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  const store::ActionRunRecord& e = (*runs)[0].target == ce.url ? (*runs)[0] : (*runs)[1];
  const store::ActionRunRecord& p = (*runs)[0].target == ce.url ? (*runs)[1] : (*runs)[0];
  const Json& ev = e.payload;
  // Required context attributes.
  EXPECT_EQ(ev["specversion"], "1.0");
  EXPECT_EQ(ev["id"], e.idempotency_key);
  ASSERT_TRUE(ev["source"].is_string());
  EXPECT_EQ(ev["source"], "/tilsyn/tasks/" + task_.id);
  EXPECT_EQ(ev["type"], "dk.tilsyn.assessment.finding");
  // Optional ones, well formed.
  EXPECT_TRUE(ParseIso8601(ev["time"].get<std::string>()).ok());
  EXPECT_EQ(ev["datacontenttype"], "application/json");
  EXPECT_EQ(ev["subject"], "observations/" + obs.id);
  for (const auto& [name, value] : ev.items()) {
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789"), std::string::npos)
        << "attribute names are lower-case alphanumerics: " << name;
  }
  EXPECT_EQ(ev["data"]["assessment_id"], a->id);
  EXPECT_EQ(ev["data"]["outcome"], "finding");
  // The plain body is the assessment itself.
  EXPECT_FALSE(p.payload.contains("specversion"));
  EXPECT_EQ(p.payload["assessment_id"], a->id);
}

}  // namespace
}  // namespace tilsyn::pipeline

namespace tilsyn::pipeline {
namespace {

TEST_F(PipelineTest, AContractorActionGoesToTheContractorWithADeadline) {
  task_.contractor = tasks::Contractor{"Vejfirmaet A/S", "drift@vejfirmaet.dk", 7, "en"};
  tasks::ActionSpec c;
  c.type = "contractor";
  c.on = {tasks::Outcome::kFinding};
  task_.actions = {c};
  CreateTask();
  const store::Observation obs = AddObservation();
  recognizer_.ThenDetect({}, true);  // presence task, nobody there: a finding
  ASSERT_TRUE(MakePipeline()->Process(obs.id).ok());
  auto runs = store_->ListActionRuns(std::nullopt, 10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  const store::ActionRunRecord& run = runs->front();
  EXPECT_EQ(run.type, "contractor");
  EXPECT_EQ(run.target, "drift@vejfirmaet.dk");
  EXPECT_EQ(run.payload["contractor"], "Vejfirmaet A/S");
  EXPECT_EQ(run.payload["language"], "en");
  EXPECT_EQ(run.payload["deadline"], FormatIso8601(obs.captured_ms + 7 * kDay).substr(0, 10));
}

}  // namespace
}  // namespace tilsyn::pipeline

namespace tilsyn::pipeline {
namespace {

// Open cases are looked up at most once a minute, not on every pass of the loop.
TEST_F(PipelineTest, OpenCasesAreLookedUpAtMostOnceAMinute) {
  class Following : public actions::Action {
   public:
    explicit Following(int* asked) : asked_(asked) {}
    actions::AttemptResult Attempt(const store::ActionRunRecord&) override {
      actions::AttemptResult r;
      r.result = {{"open", true}};
      return r;
    }
    bool FollowsUp() const override { return true; }
    Result<Json> FollowUp(const store::ActionRunRecord& run) override {
      ++*asked_;
      return run.result;
    }
    int* asked_;
  };
  int asked = 0;
  dispatcher_->Register("open311", std::make_unique<Following>(&asked));
  tasks::ActionSpec c;
  c.type = "open311";
  c.url = "http://127.0.0.1:9/open311";
  c.service_code = "container";
  c.on = {tasks::Outcome::kFinding};
  task_.actions = {c};
  CreateTask();
  AddObservation();
  recognizer_.ThenDetect({}, true);
  PipelineOptions o;
  o.follow_up_every_ms = 0;  // each open case may be asked at every look-up
  auto p = MakePipeline(o);
  ASSERT_TRUE(p->RunOnce().ok());  // assesses, delivers, looks up once
  ASSERT_TRUE(p->RunOnce().ok());
  ASSERT_TRUE(p->RunOnce().ok());
  EXPECT_EQ(asked, 1);
  clock_.Advance(61'000);
  ASSERT_TRUE(p->RunOnce().ok());
  EXPECT_EQ(asked, 2);
}

// A webhook receiver on loopback that runs `on_delivery` for each POST and answers 200 {}; the
// task gets a webhook action to it on every outcome.
std::unique_ptr<net::HttpServer> StartReceiver(
    tasks::Task* task, std::function<void(const net::HttpRequest&)> on_delivery) {
  net::HttpServerOptions so;
  so.address = "127.0.0.1";
  so.port = 0;
  auto server = net::StartHttpServer(so, [on_delivery](const net::HttpRequest& req) {
    on_delivery(req);
    net::HttpResponse r;
    r.status = 200;
    r.body = "{}";
    return r;
  });
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  if (!server.ok()) return nullptr;
  const std::string url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/hook";
  task->actions.push_back(
      {"webhook",
       {tasks::Outcome::kOk, tasks::Outcome::kFinding, tasks::Outcome::kInconclusive},
       url,
       "k"});
  return std::move(*server);
}

// Polls `done` until it holds or `seconds` pass (generous limits: a loaded 2-core machine).
bool WaitUntil(const std::function<bool()>& done, int seconds) {
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done() && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// Assessment, delivery and retention run on their own threads: a receiver that keeps a webhook
// delivery waiting 30 s does not hold up the next observation's assessment.
TEST_F(PipelineTest, ASlowWebhookReceiverDoesNotDelayAssessments) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> deliveries{0};
  std::atomic<bool> answered{false};
  auto receiver = StartReceiver(&task_, [&](const net::HttpRequest&) {
    ++deliveries;
    std::unique_lock<std::mutex> l(mu);
    cv.wait_for(l, std::chrono::seconds(30), [&] { return release; });
    answered = true;
  });
  ASSERT_NE(receiver, nullptr);
  dispatcher_->Register("webhook", actions::NewWebhookAction(
                                       [](const store::ActionRunRecord&) { return "k"; }, 60'000));
  CreateTask();
  recognizer_.ThenPerson(0.9);  // repeats for every observation
  const store::Observation first = AddObservation();
  PipelineOptions o;
  o.poll_ms = 50;
  auto p = MakePipeline(o);
  p->Start();
  // Generous limits (a loaded 2-core machine): the receiver holds the first delivery …
  ASSERT_TRUE(WaitUntil([&] { return deliveries.load() >= 1; }, 25));
  // … while a second observation arrives and is assessed.
  const store::Observation second = AddObservation();
  p->Notify();
  EXPECT_TRUE(WaitUntil([&] { return Get(second.id).state == ObservationState::kDone; }, 25));
  EXPECT_FALSE(answered.load()) << "the second assessment waited for the receiver";
  EXPECT_EQ(Get(first.id).state, ObservationState::kDone);
  {
    std::lock_guard<std::mutex> l(mu);
    release = true;
  }
  cv.notify_all();
  p->Stop();
  receiver->Stop();
}

// A graceful stop (SIGTERM) while a receiver holds a delivery: the delivery in hand finishes and
// is recorded, no other due delivery starts, and the stop returns once it is done.
TEST_F(PipelineTest, StopFinishesTheDeliveryInHandAndStartsNoOther) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> deliveries{0};
  auto receiver = StartReceiver(&task_, [&](const net::HttpRequest&) {
    ++deliveries;
    std::unique_lock<std::mutex> l(mu);
    cv.wait_for(l, std::chrono::seconds(60), [&] { return release; });
  });
  ASSERT_NE(receiver, nullptr);
  dispatcher_->Register("webhook", actions::NewWebhookAction(
                                       [](const store::ActionRunRecord&) { return "k"; }, 120'000));
  CreateTask();
  recognizer_.ThenPerson(0.9);
  AddObservation();
  AddObservation();
  PipelineOptions o;
  o.poll_ms = 50;
  o.action_threads = 1;
  auto p = MakePipeline(o);
  ASSERT_EQ(p->AssessPending().value(), 2);  // two findings, two webhook runs due
  p->Start();
  ASSERT_TRUE(WaitUntil([&] { return deliveries.load() >= 1; }, 30));
  std::thread stopper([&] { p->Stop(); });
  ASSERT_TRUE(WaitUntil([&] { return p->stopping(); }, 30));
  {
    std::lock_guard<std::mutex> l(mu);
    release = true;
  }
  cv.notify_all();
  stopper.join();
  EXPECT_EQ(deliveries.load(), 1) << "a delivery started after the stop";
  int succeeded = 0, untouched = 0;
  const std::vector<store::ActionRunRecord> runs = *store_->ListActionRuns(std::nullopt, 10);
  for (const store::ActionRunRecord& r : runs) {
    if (r.type != "webhook") continue;
    succeeded += r.status == store::ActionStatus::kSucceeded ? 1 : 0;
    untouched += r.status == store::ActionStatus::kPending && r.attempts == 0 ? 1 : 0;
  }
  EXPECT_EQ(succeeded, 1) << "the delivery in hand was not recorded";
  EXPECT_EQ(untouched, 1);
  receiver->Stop();
}

// Two workers — each with its own connection to the database, as two processes would have —
// share one queue: every observation is recognized once, every delivery made once, every image
// deletion audited once.
TEST_F(PipelineTest, TwoWorkersShareTheQueueWithoutDoingAnythingTwice) {
  std::mutex mu;
  std::map<std::string, int> deliveries;  // idempotency key -> deliveries
  auto receiver = StartReceiver(&task_, [&](const net::HttpRequest& req) {
    std::lock_guard<std::mutex> l(mu);
    auto it = req.headers.find("idempotency-key");
    ++deliveries[it == req.headers.end() ? "" : it->second];
  });
  ASSERT_NE(receiver, nullptr);
  CreateTask();
  constexpr int kObservations = 16;
  std::vector<std::string> ids;
  for (int i = 0; i < kObservations; ++i) ids.push_back(AddObservation().id);

  auto second_store = testing::OpenTestStore(dir_.path());
  ASSERT_TRUE(second_store.ok()) << second_store.status().ToString();
  FakeRecognizer r1("fake-person"), r2("fake-person");
  r1.ThenPerson(0.9);
  r2.ThenPerson(0.9);
  auto secret = [](const store::ActionRunRecord&) { return std::string("k"); };
  struct Worker {
    std::unique_ptr<actions::Dispatcher> dispatcher;
    std::unique_ptr<Pipeline> pipeline;
  };
  auto make = [&](store::Store* st, FakeRecognizer* r, const std::string& name) {
    Worker w;
    w.dispatcher = std::make_unique<actions::Dispatcher>(st, &clock_, actions::DispatcherOptions{});
    w.dispatcher->Register("log", actions::NewLogAction());
    w.dispatcher->Register("webhook", actions::NewWebhookAction(secret, 10'000));
    PipelineOptions o;
    o.poll_ms = 20;
    o.worker = name;
    w.pipeline = std::make_unique<Pipeline>(st, blobs_.get(), r, w.dispatcher.get(), &clock_, o);
    return w;
  };
  Worker w1 = make(store_.get(), &r1, "worker-1"), w2 = make(second_store->get(), &r2, "worker-2");
  w1.pipeline->Start();
  w2.pipeline->Start();
  auto finished = [&] {
    for (const std::string& id : ids) {
      if (Get(id).state != ObservationState::kDone) return false;
    }
    std::lock_guard<std::mutex> l(mu);
    return deliveries.size() >= static_cast<size_t>(kObservations);
  };
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!finished() && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  w1.pipeline->Stop();
  w2.pipeline->Stop();
  receiver->Stop();

  ASSERT_TRUE(finished());
  EXPECT_EQ(r1.calls() + r2.calls(), kObservations) << "an observation was recognized twice";
  {
    std::lock_guard<std::mutex> l(mu);
    EXPECT_EQ(deliveries.size(), static_cast<size_t>(kObservations));
    for (const auto& [key, n] : deliveries) EXPECT_EQ(n, 1) << key;
  }
  store::AuditFilter f;
  f.action = "image.delete";
  auto deletions = store_->ListAudit(f);
  ASSERT_TRUE(deletions.ok());
  std::set<std::string> deleted;
  for (const auto& e : *deletions) deleted.insert(e.object_id);
  EXPECT_EQ(deletions->size(), deleted.size()) << "an image deletion was audited twice";
  EXPECT_EQ(deleted.size(), static_cast<size_t>(kObservations));  // ok: not needed, deleted
}

}  // namespace
}  // namespace tilsyn::pipeline
