#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/ids.h"
#include "imaging/anonymizer.h"
#include "imaging/jpeg.h"
#include "net/multipart.h"
#include "fakes/fake_recognizer.h"
#include "pipeline/ingest.h"
#include "pipeline/pipeline.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

// A synthetic street-like picture (no people), JPEG-encoded in memory.
std::string SyntheticJpeg() {
  cv::Mat img(240, 320, CV_8UC3, cv::Scalar(120, 130, 140));
  cv::rectangle(img, {40, 120}, {200, 200}, cv::Scalar(30, 60, 200), cv::FILLED);
  cv::line(img, {0, 230}, {319, 230}, cv::Scalar(255, 255, 255), 3);
  auto jpeg = imaging::EncodeJpeg(img);
  EXPECT_TRUE(jpeg.ok());
  return jpeg.ok() ? *jpeg : "";
}

class ObservationsApi : public ApiTest {
 protected:
  void ConfigureContext(ApiContext& ctx) override {
    ingest_ = std::make_unique<pipeline::Ingest>(
        store_.get(), blobs_.get(),
        [] { return imaging::NewCascadeAnonymizer(imaging::CascadeAnonymizerOptions()); }, &clock_);
    ctx.ingest = ingest_.get();
  }

  void SetUp() override {
    if (!std::filesystem::exists(imaging::CascadeAnonymizerOptions().cascade_dir)) {
      GTEST_SKIP() << "opencv-data cascades are not installed";
    }
    ApiTest::SetUp();
    task_ = CreateActiveTask();
    std::tie(vehicle_, vtoken_) = CreateVehicleWithToken();
    jpeg_ = SyntheticJpeg();
  }

  Json Metadata(const std::string& id) {
    return {{"id", id},
            {"job_id", task_},
            {"captured_at", FormatIso8601(kNow - 5000)},
            {"lat", 55.6761},
            {"lon", 12.5683},
            {"heading_deg", 90},
            {"speed_kmh", 18},
            {"accuracy_m", 4},
            {"anonymization", {{"counts", {{"face", 0}}}, {"detectors", {"haar-face@4.6"}}}}};
  }

  Reply UploadParts(const std::vector<net::MultipartPart>& parts, const std::string& token,
                    const std::string& boundary = "tilsyn-b0undary") {
    return Call("POST", "/api/v1/observations", token, net::BuildMultipart(parts, boundary),
                "multipart/form-data; boundary=" + boundary);
  }
  Reply Upload(const Json& meta, const std::string& image) {
    return UploadParts({{"metadata", "", "application/json", meta.dump()},
                        {"image", "obs.jpg", "image/jpeg", image}},
                       vtoken_);
  }

  int64_t StoredObservations() {
    int64_t n = 0;
    auto counts = store_->CountObservationsByState();
    EXPECT_TRUE(counts.ok());
    if (!counts.ok()) return -1;
    for (const auto& [state, count] : *counts) n += count;
    return n;
  }
  size_t ImageFiles() {
    size_t n = 0;
    if (!std::filesystem::exists(dir_.Sub("images"))) return 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.Sub("images"))) {
      n += e.is_regular_file() ? 1 : 0;
    }
    return n;
  }

  std::unique_ptr<pipeline::Ingest> ingest_;
  std::string task_, vehicle_, vtoken_, jpeg_;
};

TEST_F(ObservationsApi, UploadIsCreatedOnceAndRepeatIsIdempotent) {
  std::string id = NewUuid();
  Reply r = Upload(Metadata(id), jpeg_);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.json["id"], id);
  EXPECT_EQ(r.json["state"], "stored");
  EXPECT_TRUE(r.json["created"].get<bool>());
  EXPECT_EQ(notified_, 1);

  Reply again = Upload(Metadata(id), jpeg_);
  ASSERT_EQ(again.status, 200) << again.raw.body;
  EXPECT_FALSE(again.json["created"].get<bool>());
  EXPECT_EQ(notified_, 1);
  EXPECT_EQ(StoredObservations(), 1);

  auto obs = store_->GetObservation(id);
  ASSERT_TRUE(obs.ok());
  EXPECT_EQ(obs->vehicle_id, vehicle_);  // from the token, never from the upload
  EXPECT_EQ(obs->task_id, task_);
  auto v = store_->GetVehicle(vehicle_);
  ASSERT_TRUE(v->last_lat.has_value());
  EXPECT_DOUBLE_EQ(*v->last_lat, 55.6761);

  Reply g = Call("GET", "/api/v1/observations/" + id, inspector_);
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(g.json["state"], "stored");
  EXPECT_TRUE(g.json["assessment_id"].is_null());
}

TEST_F(ObservationsApi, BadUploadsAreRefusedNamingTheFieldAndWriteNothing) {
  struct Case {
    std::string what;
    Reply reply;
    int status;
    std::string field;
  };
  Json outside = Metadata(NewUuid());
  outside["lat"] = 55.70;  // kilometres away from the 50 m circle
  std::vector<Case> cases;
  cases.push_back(
      {"png instead of jpeg", Upload(Metadata(NewUuid()), "\x89PNG\r\n\x1a\nxxxx"), 415, "image"});
  cases.push_back({"missing metadata",
                   UploadParts({{"image", "obs.jpg", "image/jpeg", jpeg_}}, vtoken_), 400,
                   "metadata"});
  cases.push_back(
      {"missing image",
       UploadParts({{"metadata", "", "application/json", Metadata(NewUuid()).dump()}}, vtoken_),
       400, "image"});
  cases.push_back({"malformed metadata",
                   UploadParts({{"metadata", "", "application/json", "{\"id\": "},
                                {"image", "obs.jpg", "image/jpeg", jpeg_}},
                               vtoken_),
                   400, "metadata"});
  cases.push_back({"outside the geofence", Upload(outside, jpeg_), 412, ""});
  cases.push_back({"truncated jpeg", Upload(Metadata(NewUuid()), jpeg_.substr(0, jpeg_.size() / 2)),
                   415, "image"});
  {
    // A decompression bomb: a small file whose frame header claims 16384 x 16384 pixels.
    std::string bomb = jpeg_;
    const size_t sof = bomb.find("\xFF\xC0");
    ASSERT_NE(sof, std::string::npos);
    for (size_t k : {sof + 5, sof + 7}) {
      bomb[k] = static_cast<char>(0x40);
      bomb[k + 1] = 0;
    }
    cases.push_back({"16384 x 16384 header", Upload(Metadata(NewUuid()), bomb), 413, "image"});
  }
  cases.push_back({"not multipart",
                   Call("POST", "/api/v1/observations", vtoken_, Metadata(NewUuid())), 415, ""});
  cases.push_back({"truncated multipart",
                   Call("POST", "/api/v1/observations", vtoken_,
                        "--b\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{}",
                        "multipart/form-data; boundary=b"),
                   400, "body"});
  for (const auto& c : cases) {
    EXPECT_EQ(c.reply.status, c.status) << c.what << ": " << c.reply.raw.body;
    if (!c.field.empty()) {
      EXPECT_EQ(c.reply.ErrorField(), c.field) << c.what;
    }
  }
  EXPECT_EQ(StoredObservations(), 0);
  EXPECT_EQ(ImageFiles(), 0u);
  EXPECT_EQ(notified_, 0);
}

TEST_F(ObservationsApi, PausedTaskRefusesUploads) {
  ASSERT_EQ(Call("POST", "/api/v1/tasks/" + task_ + "/pause", inspector_, "").status, 200);
  Reply r = Upload(Metadata(NewUuid()), jpeg_);
  EXPECT_EQ(r.status, 412) << r.raw.body;
  EXPECT_EQ(r.ErrorCode(), "failed_precondition");
  EXPECT_EQ(StoredObservations(), 0);
}

TEST_F(ObservationsApi, TokenOfAnUnregisteredVehicleIsRefused) {
  std::string ghost = Token("vehicle", "no-such-vehicle");
  Reply r = UploadParts({{"metadata", "", "application/json", Metadata(NewUuid()).dump()},
                         {"image", "obs.jpg", "image/jpeg", jpeg_}},
                        ghost);
  EXPECT_EQ(r.status, 403) << r.raw.body;
  EXPECT_EQ(StoredObservations(), 0);
}

TEST_F(ObservationsApi, AFailedObservationCanBeRetriedByAnAdminAndItIsAudited) {
  const std::string id = NewUuid();
  ASSERT_EQ(Upload(Metadata(id), jpeg_).status, 201);
  // Only failed observations can be retried.
  Reply early = Call("POST", "/api/v1/observations/" + id + "/retry", admin_, "");
  EXPECT_EQ(early.status, 412) << early.raw.body;
  EXPECT_EQ(early.ErrorField(), "state");

  store::Observation o = store_->GetObservation(id).value();
  o.state = store::ObservationState::kFailed;
  o.attempts = 5;
  o.error = "internal: broken model";
  ASSERT_TRUE(store_->UpdateObservation(o).ok());
  EXPECT_EQ(Call("POST", "/api/v1/observations/" + id + "/retry", inspector_, "").status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/observations/nope/retry", admin_, "").status, 404);
  const int woken = notified_;
  Reply r = Call("POST", "/api/v1/observations/" + id + "/retry", admin_, "");
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["state"], "stored");
  EXPECT_EQ(notified_, woken + 1);
  EXPECT_EQ(store_->GetObservation(id)->attempts, 0);
  store::AuditFilter f;
  f.action = "observation.retry";
  auto events = store_->ListAudit(f);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].object_id, id);
}

// Found from outside: near a full disk an upload was acknowledged and its assessment then
// failed. Below the free-space reserve uploads are refused with 507 (the vehicle keeps them and
// retries) and nothing is written.
TEST_F(ObservationsApi, BelowTheFreeSpaceReserveUploadsAre507AndWriteNothing) {
  ingest_->SetSpaceCheck([] { return Status::StorageFull("free space 3 MiB is below the reserve"); });
  Reply r = Upload(Metadata(NewUuid()), jpeg_);
  EXPECT_EQ(r.status, 507) << r.raw.body;
  EXPECT_EQ(r.ErrorCode(), "insufficient_storage");
  EXPECT_EQ(StoredObservations(), 0);
  EXPECT_EQ(ImageFiles(), 0u);
  ingest_->SetSpaceCheck(nullptr);
  EXPECT_EQ(Upload(Metadata(NewUuid()), jpeg_).status, 201);
}

// At most `max_concurrent_uploads` uploads are ingested at once; beyond that the vehicle is asked
// to come back (429, Retry-After) and nothing is stored.
class ObservationsApiCapped : public ObservationsApi {
 protected:
  void ConfigureContext(ApiContext& ctx) override {
    ObservationsApi::ConfigureContext(ctx);
    uploads_ = std::make_shared<InflightLimit>(1);
    ctx.uploads = uploads_;
  }
  std::shared_ptr<InflightLimit> uploads_;
};

TEST_F(ObservationsApiCapped, UploadsBeyondTheCapAreAskedToComeBack) {
  ASSERT_TRUE(uploads_->TryEnter());  // another upload is being ingested
  const std::string id = NewUuid();
  Reply r = Upload(Metadata(id), jpeg_);
  ASSERT_EQ(r.status, 429) << r.raw.body;
  EXPECT_EQ(r.ErrorCode(), "too_many_requests");
  EXPECT_EQ(StoredObservations(), 0);
  uploads_->Leave();
  EXPECT_EQ(Upload(Metadata(id), jpeg_).status, 201);
  EXPECT_EQ(Upload(Metadata(NewUuid()), jpeg_).status, 201) << "the slot was given back";
}

// Anonymization in the worker (the serve default): the upload is answered at once as received,
// and until the server's pass has replaced it no endpoint serves its bytes — neither the image
// nor the annotation editor (privacy invariant 2); afterwards they do, with the new image.
class ObservationsApiQuarantine : public ObservationsApi {
 protected:
  void ConfigureContext(ApiContext& ctx) override {
    pipeline::IngestOptions o;
    o.anonymize_in_worker = true;
    ingest_ = std::make_unique<pipeline::Ingest>(
        store_.get(), blobs_.get(),
        [] { return imaging::NewCascadeAnonymizer(imaging::CascadeAnonymizerOptions()); }, &clock_,
        o);
    ctx.ingest = ingest_.get();
  }
};

TEST_F(ObservationsApiQuarantine, NoEndpointServesAnUploadBeforeTheServersPass) {
  const std::string id = NewUuid();
  Reply r = Upload(Metadata(id), jpeg_);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.json["state"], "received");
  EXPECT_EQ(Upload(Metadata(NewUuid()), "not a jpeg").status, 415) << "still checked at once";

  const std::string image = "/api/v1/observations/" + id + "/image?purpose=review";
  for (const std::string& token : {admin_, inspector_, dpo_}) {
    Reply g = Call("GET", image, token);
    EXPECT_EQ(g.status, 412) << g.raw.body;
    EXPECT_NE(g.raw.content_type, "image/jpeg");
  }
  Reply a = Call("GET", "/api/v1/observations/" + id + "/annotations", inspector_);
  EXPECT_EQ(a.status, 412) << a.raw.body;
  Reply put = Call("PUT", "/api/v1/observations/" + id + "/annotations", inspector_,
                   Json{{"boxes", Json::array()}});
  EXPECT_EQ(put.status, 412) << put.raw.body;

  // The worker's pass, then an assessment (nobody there: a finding, the image is kept).
  tilsyn::testing::FakeRecognizer recognizer("local-fake");
  recognizer.ThenDetect({}, true);
  pipeline::Pipeline p(store_.get(), blobs_.get(), &recognizer, nullptr, &clock_, {});
  p.UseServerAnonymizer(
      [] { return imaging::NewCascadeAnonymizer(imaging::CascadeAnonymizerOptions()); });
  ASSERT_TRUE(p.Process(id).ok());
  auto obs = store_->GetObservation(id);
  ASSERT_TRUE(obs.ok());
  EXPECT_EQ(obs->state, store::ObservationState::kDone);
  EXPECT_FALSE(obs->image_sha256.empty());
  EXPECT_TRUE(obs->anonymization["server"].is_object());
  Reply g = Call("GET", image, dpo_);
  ASSERT_EQ(g.status, 200) << g.raw.body;
  EXPECT_NE(g.raw.body, jpeg_) << "the upload's bytes were served, not the server's image";
  EXPECT_EQ(Call("GET", "/api/v1/observations/" + id + "/annotations", inspector_).status, 200);
}

}  // namespace
}  // namespace tilsyn::server::testing
