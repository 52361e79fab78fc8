#include "pipeline/ingest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "core/crypto.h"
#include "core/file_util.h"
#include "core/time_format.h"
#include "fakes/fake_world.h"
#include "fakes/test_paths.h"
#include "fakes/test_store.h"
#include "imaging/jpeg.h"
#include "tasks/planner.h"

namespace tilsyn::pipeline {
namespace {

namespace fs = std::filesystem;

std::string SyntheticJpeg() {
  cv::Mat img(240, 320, CV_8UC3, cv::Scalar(90, 120, 60));
  cv::rectangle(img, cv::Rect(40, 60, 120, 80), cv::Scalar(200, 200, 220), cv::FILLED);
  return *imaging::EncodeJpeg(img);
}

int FileCount(const std::string& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::OpenTestStore(dir_.path());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    auto b = store::OpenDirBlobStore(dir_.Sub("blobs"));
    ASSERT_TRUE(b.ok());
    blobs_ = std::move(*b);
    task_ = testing::ActiveTask(clock_.NowMs());
    testing::CreateTaskWithJob(store_.get(), task_);
    vehicle_ = testing::MakeVehicle(store_.get(), clock_.NowMs());
    ingest_ = std::make_unique<Ingest>(
        store_.get(), blobs_.get(),
        [this]() -> Result<std::unique_ptr<imaging::Anonymizer>> {
          if (!anonymizer_error_.ok()) return anonymizer_error_;
          return imaging::NewCascadeAnonymizer({});
        },
        &clock_);
  }

  Json Metadata() {
    return {{"id", NewUuid()},
            {"job_id", task_.id},
            {"captured_at", FormatIso8601(clock_.NowMs() - 60'000)},
            {"lat", testing::kSite.lat},
            {"lon", testing::kSite.lon},
            {"heading_deg", 90},
            {"speed_kmh", 18},
            {"accuracy_m", 4},
            {"anonymization",
             {{"counts", {{"face", 1}}}, {"detectors", {"haar-face@4.6"}}, {"ms", 12.5}}}};
  }

  void ExpectRefused(const Json& md, const std::string& jpeg, Code code, const std::string& field) {
    auto r = ingest_->Accept(vehicle_.id, md, jpeg);
    ASSERT_FALSE(r.ok()) << md.dump();
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_EQ(r.status().field(), field) << r.status().ToString();
    EXPECT_EQ(FileCount(dir_.Sub("blobs")), 0) << "a refused upload left a file";
    if (md.is_object() && md.contains("id") && md["id"].is_string()) {
      EXPECT_FALSE(store_->GetObservation(md["id"].get<std::string>()).ok());
    }
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::BlobStore> blobs_;
  tasks::Task task_;
  store::Vehicle vehicle_;
  Status anonymizer_error_ = Status::Ok();
  std::unique_ptr<Ingest> ingest_;
};

TEST_F(IngestTest, AcceptsAnUploadInsideAnActiveJob) {
  const Json md = Metadata();
  auto r = ingest_->Accept(vehicle_.id, md, SyntheticJpeg());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->created);
  const store::Observation& obs = r->observation;
  EXPECT_EQ(obs.id, md["id"]);
  EXPECT_EQ(obs.task_id, task_.id);
  EXPECT_EQ(obs.vehicle_id, vehicle_.id);
  EXPECT_EQ(obs.state, store::ObservationState::kStored);
  EXPECT_EQ(obs.blob_key, obs.id + ".jpg");
  EXPECT_EQ(obs.anonymization["vehicle"]["counts"]["face"], 1);
  EXPECT_TRUE(obs.anonymization["server"]["detectors"].is_array());
  ASSERT_TRUE(obs.speed_kmh.has_value());
  EXPECT_DOUBLE_EQ(*obs.speed_kmh, 18);

  auto stored = store_->GetObservation(obs.id);
  ASSERT_TRUE(stored.ok());
  auto bytes = blobs_->Get(obs.blob_key);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(imaging::LooksLikeJpeg(*bytes));
  EXPECT_EQ(Sha256Hex(*bytes), stored->image_sha256);
  auto blob = store_->GetBlob(obs.blob_key);
  ASSERT_TRUE(blob.ok());
  ASSERT_TRUE(blob->delete_after_ms.has_value());
  EXPECT_EQ(*blob->delete_after_ms, clock_.NowMs() + 30LL * 86'400'000);  // from receipt
  EXPECT_EQ(blob->size, static_cast<int64_t>(bytes->size()));

  auto v = store_->GetVehicle(vehicle_.id);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->last_lat.has_value());
  EXPECT_DOUBLE_EQ(*v->last_lat, testing::kSite.lat);
}

// A vehicle that was offline for more than a year: the upload is accepted and its image keeps a
// deadline in the future, counted from receipt (retention never runs out before assessment).
TEST_F(IngestTest, UploadArriving400DaysAfterCaptureGetsADeadlineFromReceipt) {
  constexpr int64_t kDay = 86'400'000;
  task_.schedule.valid_from = clock_.NowMs() - 500 * kDay;
  ASSERT_TRUE(store_->UpdateTask(task_, tasks::PlanJob(task_)).ok());
  Json md = Metadata();
  md["captured_at"] = FormatIso8601(clock_.NowMs() - 400 * kDay);
  auto r = ingest_->Accept(vehicle_.id, md, SyntheticJpeg());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto blob = store_->GetBlob(r->observation.blob_key);
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(*blob->delete_after_ms, clock_.NowMs() + 30 * kDay);
  const TimeMs later = clock_.NowMs() + 29 * kDay;
  auto due = store_->ClaimDueBlobs(later, later, 10);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
}

TEST_F(IngestTest, RepeatUploadIsIdempotentAndWritesNothing) {
  const Json md = Metadata();
  auto first = ingest_->Accept(vehicle_.id, md, SyntheticJpeg());
  ASSERT_TRUE(first.ok());
  // Remove the stored bytes: a repeat that wrote anything would bring them back.
  ASSERT_TRUE(blobs_->Delete(first->observation.blob_key).ok());
  clock_.Advance(5000);
  auto again = ingest_->Accept(vehicle_.id, md, SyntheticJpeg());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->observation.id, first->observation.id);
  EXPECT_EQ(again->observation.received_ms, first->observation.received_ms);
  EXPECT_FALSE(blobs_->Exists(first->observation.blob_key));
  auto counts = store_->CountObservationsByState();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)["stored"], 1);
}

TEST_F(IngestTest, RepeatUploadIsAcceptedEvenAfterTheTaskWasPaused) {
  const Json md = Metadata();
  ASSERT_TRUE(ingest_->Accept(vehicle_.id, md, SyntheticJpeg()).ok());
  tasks::Task paused = task_;
  paused.status = tasks::TaskStatus::kPaused;
  ASSERT_TRUE(store_->UpdateTask(paused, tasks::PlanJob(paused)).ok());
  auto again = ingest_->Accept(vehicle_.id, md, SyntheticJpeg());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->created);
}

TEST_F(IngestTest, RefusesPositionOutsideTheGeofence) {
  Json md = Metadata();
  md["lat"] = testing::kSite.lat + 0.01;  // ~1.1 km north
  ExpectRefused(md, SyntheticJpeg(), Code::kFailedPrecondition, "position");
}

TEST_F(IngestTest, RefusesCaptureOutsideTheValidityPeriod) {
  Json md = Metadata();
  md["captured_at"] = FormatIso8601(task_.schedule.valid_from - 60'000);
  ExpectRefused(md, SyntheticJpeg(), Code::kFailedPrecondition, "captured_at");
}

TEST_F(IngestTest, RefusesInactiveTask) {
  tasks::Task paused = task_;
  paused.status = tasks::TaskStatus::kPaused;
  ASSERT_TRUE(store_->UpdateTask(paused, tasks::PlanJob(paused)).ok());
  ExpectRefused(Metadata(), SyntheticJpeg(), Code::kFailedPrecondition, "job_id");
}

TEST_F(IngestTest, RefusesAVehicleTheJobIsNotOfferedToAndRecordsIt) {
  std::vector<std::string> asked;
  ingest_->SetOfferCheck([&](const std::string& task, const std::string& vehicle, TimeMs at) {
    asked.push_back(task + "/" + vehicle + "/" + std::to_string(at));
    return false;
  });
  const Json md = Metadata();
  ExpectRefused(md, SyntheticJpeg(), Code::kFailedPrecondition, "job_id");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0], task_.id + "/" + vehicle_.id + "/" + std::to_string(clock_.NowMs() - 60'000));
  auto record = store_->ProcessingRecord();
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  int64_t refused = 0;
  for (const auto& purpose : *record) {
    for (const auto& [reason, n] : purpose.refusals) {
      if (reason.find("not offered") != std::string::npos) refused += n;
    }
  }
  EXPECT_EQ(refused, 1);
  ingest_->SetOfferCheck([](const std::string&, const std::string&, TimeMs) { return true; });
  EXPECT_TRUE(ingest_->Accept(vehicle_.id, md, SyntheticJpeg()).ok());
}

// A vehicle offline through a coverage run kept capturing under the job version it held: those
// captures were made under an offer and are kept; one made under the current version is not.
TEST_F(IngestTest, AcceptsACaptureMadeUnderAnEarlierOfferOfTheJob) {
  ingest_->SetOfferCheck([](const std::string&, const std::string&, TimeMs) { return false; });
  auto held = store_->GetJob(task_.id);  // the version the vehicle holds
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_TRUE(store_->BumpJobVersions({task_.id}).ok());  // the coverage run's re-offer
  auto job = store_->GetJob(task_.id);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  ASSERT_GT(job->version, held->version);
  Json current = Metadata();
  current["job_version"] = job->version;
  ExpectRefused(current, SyntheticJpeg(), Code::kFailedPrecondition, "job_id");
  Json newer = Metadata();
  newer["job_version"] = job->version + 5;
  ExpectRefused(newer, SyntheticJpeg(), Code::kFailedPrecondition, "job_id");
  Json earlier = Metadata();
  earlier["job_version"] = held->version;
  auto r = ingest_->Accept(vehicle_.id, earlier, SyntheticJpeg());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

TEST_F(IngestTest, RefusesUnknownJob) {
  Json md = Metadata();
  md["job_id"] = NewUuid();
  ExpectRefused(md, SyntheticJpeg(), Code::kFailedPrecondition, "job_id");
}

TEST_F(IngestTest, RefusesNonJpegImage) {
  cv::Mat img(64, 64, CV_8UC3, cv::Scalar::all(128));
  std::vector<uchar> png;
  ASSERT_TRUE(cv::imencode(".png", img, png));
  ExpectRefused(Metadata(), std::string(png.begin(), png.end()), Code::kUnsupportedMedia, "image");
  ExpectRefused(Metadata(), std::string("\xFF\xD8\xFF\xE0 truncated", 15), Code::kUnsupportedMedia,
                "image");
}

TEST_F(IngestTest, RefusesBadMetadataNamingTheField) {
  struct Case {
    const char* key;
    Json value;  // null = remove the key
    const char* field;
  };
  const std::vector<Case> cases = {
      {"id", nullptr, "id"},
      {"id", "not-a-uuid", "id"},
      {"id", 42, "id"},
      {"job_id", nullptr, "job_id"},
      {"captured_at", "yesterday", "captured_at"},
      {"captured_at", "2026-13-45T99:00:00Z", "captured_at"},
      {"captured_at", FormatIso8601(1'700'000'000'000 + 86'400'000), "captured_at"},  // future
      {"lat", 91, "lat"},
      {"lat", nullptr, "lat"},
      {"lon", "east", "lon"},
      {"lon", -181, "lon"},
      {"heading_deg", 400, "heading_deg"},
      {"speed_kmh", -1, "speed_kmh"},
      {"accuracy_m", "good", "accuracy_m"},
      {"anonymization", "none", "anonymization"},
      {"job_version", 0, "job_version"},
      {"job_version", "7", "job_version"},
      {"job_version", 1.5, "job_version"},
  };
  for (const Case& c : cases) {
    Json md = Metadata();
    if (c.value.is_null()) {
      md.erase(c.key);
    } else {
      md[c.key] = c.value;
    }
    SCOPED_TRACE(md.dump());
    ExpectRefused(md, SyntheticJpeg(), Code::kInvalidArgument, c.field);
  }
  ExpectRefused(Json::array(), SyntheticJpeg(), Code::kInvalidArgument, "metadata");
}

TEST_F(IngestTest, AnonymizerFailureLeavesNothing) {
  anonymizer_error_ = Status::NotFound("no cascades");
  const Json md = Metadata();
  auto r = ingest_->Accept(vehicle_.id, md, SyntheticJpeg());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FileCount(dir_.Sub("blobs")), 0);
  EXPECT_FALSE(store_->GetObservation(md["id"].get<std::string>()).ok());
}

TEST_F(IngestTest, FailedInsertRemovesTheWrittenBlob) {
  // Another observation already owns a blob record under the key the upload will use, so the
  // insert fails after the bytes were written.
  const Json md = Metadata();
  const std::string id = md["id"];
  store::Observation holder;
  holder.id = NewUuid();
  holder.task_id = holder.job_id = task_.id;
  holder.vehicle_id = vehicle_.id;
  holder.blob_key = id + ".jpg";
  holder.received_ms = holder.updated_ms = clock_.NowMs();
  store::BlobRecord clash;
  clash.key = holder.blob_key;
  clash.observation_id = holder.id;
  clash.task_id = task_.id;
  clash.created_ms = clock_.NowMs();
  auto ins = store_->InsertObservation(holder, clash);
  ASSERT_TRUE(ins.ok() && *ins);

  auto r = ingest_->Accept(vehicle_.id, md, SyntheticJpeg());
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(store_->GetObservation(id).ok());
  EXPECT_FALSE(blobs_->Exists(id + ".jpg"));
  EXPECT_EQ(FileCount(dir_.Sub("blobs")), 0);
}

TEST_F(IngestTest, ServerBlursFacesTheVehicleMissed) {
  const char* path = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";
  if (!fs::exists(path)) GTEST_SKIP() << "opencv-doc missing";
  auto raw = ReadFile(path);
  ASSERT_TRUE(raw.ok());
  auto r = ingest_->Accept(vehicle_.id, Metadata(), *raw);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(r->observation.anonymization["server"]["counts"]["face"].get<int>(), 1);

  cv::CascadeClassifier faces(
      "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml");
  auto count_faces = [&](const std::string& bytes) {
    cv::Mat bgr = *imaging::DecodeJpeg(bytes), gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    cv::equalizeHist(gray, gray);
    std::vector<cv::Rect> found;
    faces.detectMultiScale(gray, found, 1.1, 5, 0, cv::Size(16, 16));
    return found.size();
  };
  ASSERT_GE(count_faces(*raw), 1u);
  auto stored = blobs_->Get(r->observation.blob_key);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(count_faces(*stored), 0u);
}

}  // namespace
}  // namespace tilsyn::pipeline
