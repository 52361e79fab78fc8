// The error paths of ingest, assessment, retention and action delivery under store and disk
// faults (test/fakes/faulty_store.h): a call that fails before the backend sees it, one that
// commits but whose answer is lost, and faults that last several attempts. Nothing may be lost,
// duplicated or left half-written.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "actions/action.h"
#include "core/time_format.h"
#include "fakes/fake_recognizer.h"
#include "fakes/fake_world.h"
#include "fakes/faulty_store.h"
#include "fakes/test_paths.h"
#include "imaging/jpeg.h"
#include "pipeline/ingest.h"
#include "pipeline/pipeline.h"

namespace tilsyn::pipeline {
namespace {

namespace fs = std::filesystem;
using store::ObservationState;
using ::tilsyn::testing::FaultPlan;

class StoreFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    real_ = store::OpenSqliteStore(dir_.Sub("tilsyn.db")).value();
    real_blobs_ = store::OpenDirBlobStore(dir_.Sub("blobs")).value();
    store_ = std::make_unique<::tilsyn::testing::FaultyStore>(real_.get(), &plan_);
    blobs_ = std::make_unique<::tilsyn::testing::FaultyBlobStore>(real_blobs_.get(), &plan_);
    task_ = ::tilsyn::testing::ActiveTask(clock_.NowMs());
    ::tilsyn::testing::CreateTaskWithJob(real_.get(), task_);
    vehicle_ = ::tilsyn::testing::MakeVehicle(real_.get(), clock_.NowMs());
    ingest_ = std::make_unique<Ingest>(
        store_.get(), blobs_.get(),
        []() -> Result<std::unique_ptr<imaging::Anonymizer>> { return imaging::NewCascadeAnonymizer({}); },
        &clock_);
    dispatcher_ = std::make_unique<actions::Dispatcher>(store_.get(), &clock_, actions::DispatcherOptions{});
    dispatcher_->Register("log", actions::NewLogAction());
    pipeline_ = std::make_unique<Pipeline>(store_.get(), blobs_.get(), &recognizer_, dispatcher_.get(),
                                           &clock_, PipelineOptions{});
  }

  Json Metadata(const std::string& id) {
    return {{"id", id},
            {"job_id", task_.id},
            {"captured_at", FormatIso8601(clock_.NowMs() - 60'000)},
            {"lat", ::tilsyn::testing::kSite.lat},
            {"lon", ::tilsyn::testing::kSite.lon},
            {"heading_deg", 90},
            {"speed_kmh", 18},
            {"accuracy_m", 4},
            {"anonymization", {{"counts", {{"face", 0}}}, {"detectors", {"haar-face@4.6"}}}}};
  }
  std::string Jpeg() {
    cv::Mat img(240, 320, CV_8UC3, cv::Scalar(90, 120, 60));
    cv::rectangle(img, cv::Rect(40, 60, 120, 80), cv::Scalar(200, 200, 220), cv::FILLED);
    return *imaging::EncodeJpeg(img);
  }
  int Files() {
    int n = 0;
    for (const auto& e : fs::directory_iterator(dir_.Sub("blobs"))) n += e.is_regular_file();
    return n;
  }
  std::string Upload() {
    const std::string id = NewUuid();
    auto r = ingest_->Accept(vehicle_.id, Metadata(id), Jpeg());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return id;
  }

  ::tilsyn::testing::TempDir dir_;
  FakeClock clock_;
  FaultPlan plan_;
  std::unique_ptr<store::Store> real_;
  std::unique_ptr<store::BlobStore> real_blobs_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::BlobStore> blobs_;
  tasks::Task task_;
  store::Vehicle vehicle_;
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<actions::Dispatcher> dispatcher_;
  ::tilsyn::testing::FakeRecognizer recognizer_{"fake-person"};
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(StoreFaults, AnUploadWhoseInsertFailsLeavesNothingAndSucceedsWhenRetried) {
  const std::string id = NewUuid();
  plan_.Fail("InsertObservation", 1, Status::Unavailable("database is busy"));
  auto r = ingest_->Accept(vehicle_.id, Metadata(id), Jpeg());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().retryable()) << "the vehicle keeps it and tries again";
  EXPECT_EQ(Files(), 0);
  EXPECT_EQ(real_->GetObservation(id).status().code(), Code::kNotFound);
  auto again = ingest_->Accept(vehicle_.id, Metadata(id), Jpeg());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->created);
  EXPECT_EQ(Files(), 1);
}

TEST_F(StoreFaults, AnUploadWhoseDiskWriteFailsStoresNoRow) {
  const std::string id = NewUuid();
  plan_.Fail("BlobPut", 1, Status::StorageFull("no space left"));
  EXPECT_FALSE(ingest_->Accept(vehicle_.id, Metadata(id), Jpeg()).ok());
  EXPECT_EQ(real_->GetObservation(id).status().code(), Code::kNotFound);
  EXPECT_EQ(Files(), 0);
}

TEST_F(StoreFaults, AnInsertThatCommittedButWhoseAnswerWasLostIsAcknowledgedNotLost) {
  const std::string id = NewUuid();
  plan_.Fail("InsertObservation", 1, Status::Unavailable("connection reset"),
             FaultPlan::When::kAfterCommit);
  auto r = ingest_->Accept(vehicle_.id, Metadata(id), Jpeg());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->created) << "answered as the repeat it now is";
  EXPECT_EQ(real_->GetObservation(id)->blob_key, id + ".jpg");
  EXPECT_TRUE(real_blobs_->Exists(id + ".jpg"));
}

// Found with the fault wrapper: when the insert's answer was lost AND the store did not answer
// the check that followed, ingest deleted the bytes of what may be a stored observation's image.
TEST_F(StoreFaults, WhenTheStoreCannotSayWhetherTheInsertCommittedTheImageIsKept) {
  const std::string id = NewUuid();
  plan_.Fail("InsertObservation", 1, Status::Unavailable("connection reset"),
             FaultPlan::When::kAfterCommit);
  plan_.Fail("GetObservation", 2, Status::Unavailable("database is busy"));  // 1st: the repeat check
  auto r = ingest_->Accept(vehicle_.id, Metadata(id), Jpeg());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(real_blobs_->Exists(id + ".jpg")) << "the committed observation keeps its image";
  // The vehicle's retry is answered as a repeat, and the observation is assessable.
  auto again = ingest_->Accept(vehicle_.id, Metadata(id), Jpeg());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->created);
  recognizer_.ThenPerson(0.9);
  ASSERT_TRUE(pipeline_->Process(id).ok());
  EXPECT_EQ(real_->GetObservation(id)->state, ObservationState::kDone);
}

TEST_F(StoreFaults, AnAssessmentWhoseAnswerWasLostIsRecordedOnceWithOneActionRun) {
  const std::string id = Upload();
  plan_.Fail("RecordAssessment", 1, Status::Unavailable("connection reset"),
             FaultPlan::When::kAfterCommit);
  recognizer_.ThenPerson(0.9).ThenPerson(0.9);
  EXPECT_FALSE(pipeline_->Process(id).ok());
  EXPECT_EQ(real_->GetObservation(id)->state, ObservationState::kAssessed) << "committed";
  ASSERT_TRUE(pipeline_->RunOnce().ok());
  EXPECT_EQ(real_->GetObservation(id)->state, ObservationState::kDone);
  EXPECT_EQ(real_->ListAssessments({})->size(), 1u);
  EXPECT_EQ(real_->ListActionRuns(std::nullopt, 10)->size(), task_.actions.size());
  EXPECT_EQ(real_->GetObservation(id)->attempts, 0) << "not counted as a failed attempt";
}

TEST_F(StoreFaults, AStoreOutageOfManyAttemptsNeverFailsTheObservation) {
  const std::string id = Upload();
  plan_.FailAlways("RecordAssessment", Status::Unavailable("database is down"));
  for (int i = 0; i < 12; ++i) {
    recognizer_.ThenPerson(0.9);
    (void)pipeline_->Process(id);
    clock_.Advance(60'000);
  }
  EXPECT_EQ(real_->GetObservation(id)->state, ObservationState::kStored) << "still waiting";
  plan_.Heal("RecordAssessment");
  recognizer_.ThenPerson(0.9);
  ASSERT_TRUE(pipeline_->RunOnce().ok());
  EXPECT_EQ(real_->GetObservation(id)->state, ObservationState::kDone);
}

// The failed sweep's claim on the image lasts a minute; the sweep after that finishes it.
TEST_F(StoreFaults, ADeletionWhoseRecordFailsIsFinishedByTheNextSweepAndAuditedOnce) {
  const std::string id = Upload();
  recognizer_.ThenDetect({}, true);  // presence task, nobody there: a finding, kept
  ASSERT_TRUE(pipeline_->Process(id).ok());
  const store::Observation obs = *real_->GetObservation(id);
  ASSERT_FALSE(obs.blob_key.empty()) << "a finding's image is kept until its deadline";
  clock_.Advance(400LL * 86'400'000);
  plan_.Fail("WithAudit", 1, Status::Unavailable("database is busy"));
  EXPECT_FALSE(pipeline_->SweepRetention().ok());
  EXPECT_FALSE(real_blobs_->Exists(obs.blob_key)) << "bytes first";
  EXPECT_EQ(*pipeline_->SweepRetention(), 0) << "held by the failed sweep for a minute";
  clock_.Advance(60'000);
  ASSERT_EQ(*pipeline_->SweepRetention(), 1);
  EXPECT_TRUE(real_->GetObservation(id)->blob_key.empty());
  store::AuditFilter f;
  f.action = "image.delete";
  EXPECT_EQ(real_->ListAudit(f)->size(), 1u);
  EXPECT_EQ(*pipeline_->SweepRetention(), 0);
}

TEST_F(StoreFaults, NoDeliveryIsMadeWhoseAttemptCouldNotBeRecorded) {
  int delivered = 0;
  class Counting : public actions::Action {
   public:
    explicit Counting(int* n) : n_(n) {}
    actions::AttemptResult Attempt(const store::ActionRunRecord&) override {
      ++*n_;
      return {};
    }
    int* n_;
  };
  dispatcher_->Register("count", std::make_unique<Counting>(&delivered));
  store::AssessmentRecord a;
  a.id = NewUuid();
  const store::Observation o =
      ::tilsyn::testing::InsertObservation(real_.get(), task_, vehicle_.id, clock_.NowMs());
  a.observation_id = o.id;
  a.task_id = task_.id;
  a.outcome = "finding";
  a.created_ms = clock_.NowMs();
  store::ActionRunRecord run;
  run.type = "count";
  run.idempotency_key = a.id + ":0";
  run.next_attempt_ms = clock_.NowMs();
  ASSERT_TRUE(real_->RecordAssessment(o.id, {}, a, {run}).ok());
  plan_.Fail("ClaimNextActionRun", 1, Status::Unavailable("database is busy"));
  EXPECT_FALSE(dispatcher_->RunDue().ok());
  EXPECT_EQ(delivered, 0) << "an attempt is recorded before it is made";
  ASSERT_EQ(*dispatcher_->RunDue(), 1);
  EXPECT_EQ(delivered, 1);
  EXPECT_EQ(real_->ListActionRuns(std::nullopt, 10)->front().attempt_log.size(), 1u);
}

}  // namespace
}  // namespace tilsyn::pipeline
