#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "core/ids.h"
#include "imaging/jpeg.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

class AnnotationsApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    task_ = CreateActiveTask();
    vehicle_ = CreateVehicleWithToken().first;
    obs_ = Seed(/*with_image=*/true);
  }

  // An observation whose stored image is 320 x 240 (or whose image was deleted).
  std::string Seed(bool with_image) {
    store::Observation obs;
    obs.id = NewUuid();
    obs.task_id = obs.job_id = task_;
    obs.vehicle_id = vehicle_;
    obs.captured_ms = obs.received_ms = obs.updated_ms = kNow;
    obs.blob_key = obs.id + ".jpg";
    obs.image_sha256 = "00";
    store::BlobRecord blob;
    blob.key = obs.blob_key;
    blob.observation_id = obs.id;
    blob.task_id = task_;
    blob.created_ms = kNow;
    blob.delete_after_ms = kNow + 86'400'000;
    cv::Mat img(240, 320, CV_8UC3, cv::Scalar(90, 120, 150));
    cv::rectangle(img, {100, 80, 60, 40}, {20, 200, 20}, cv::FILLED);
    std::string jpeg = imaging::EncodeJpeg(img).value();
    blob.size = static_cast<int64_t>(jpeg.size());
    EXPECT_TRUE(store_->InsertObservation(obs, blob).ok());
    EXPECT_TRUE(blobs_->Put(obs.blob_key, jpeg).ok());
    if (!with_image) {
      EXPECT_TRUE(blobs_->Delete(obs.blob_key).ok());
      EXPECT_TRUE(store_->MarkBlobDeleted(obs.blob_key, kNow, "test").ok());
    }
    return obs.id;
  }

  std::string Path(const std::string& id) { return "/api/v1/observations/" + id + "/annotations"; }
  size_t Stored() { return store_->annotations().AnnotationsFor(obs_).value().size(); }

  std::string task_, vehicle_, obs_;
};

TEST_F(AnnotationsApi, TheBoxesAreCompleteForTheirLabelsOrForThoseNamed) {
  // By default a set is complete for its own labels.
  Json body = {{"boxes", {{{"label", "bench"}, {"x", 10}, {"y", 10}, {"w", 40}, {"h", 30}}}}};
  Reply r = Call("PUT", Path(obs_), inspector_, body);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["complete_for"], Json::array({"bench"}));
  // No box and complete for "bin": a negative for bins, said by the inspector.
  Reply none = Call("PUT", Path(obs_), inspector_,
                    Json{{"boxes", Json::array()}, {"complete_for", {"bin", "bench", "bin"}}});
  ASSERT_EQ(none.status, 200) << none.raw.body;
  EXPECT_EQ(none.json["complete_for"], Json::array({"bench", "bin"}));
  EXPECT_EQ(Call("GET", Path(obs_), admin_).json["complete_for"], Json::array({"bench", "bin"}));
  EXPECT_EQ(store_->annotations().CompleteLabels(obs_).value()[obs_].marked_by, "ivan");
  // Bad labels are named; nothing is written.
  EXPECT_EQ(Call("PUT", Path(obs_), inspector_,
                 Json{{"boxes", Json::array()}, {"complete_for", {"ok", "Not OK"}}})
                .ErrorField(),
            "complete_for[1]");
  EXPECT_EQ(
      Call("PUT", Path(obs_), inspector_, Json{{"boxes", Json::array()}, {"complete_for", "bin"}})
          .ErrorField(),
      "complete_for");
  EXPECT_EQ(store_->annotations().CompleteLabels(obs_).value()[obs_].labels.size(), 2u);
}

TEST_F(AnnotationsApi, AnInspectorSavesBoxesAndReadsThemBackWithTheImageSize) {
  Json body = {{"boxes",
                {{{"label", "container"}, {"x", 100}, {"y", 80}, {"w", 60}, {"h", 40}},
                 {{"label", "skip"}, {"x", 0}, {"y", 0}, {"w", 320}, {"h", 240}}}}};
  Reply r = Call("PUT", Path(obs_), inspector_, body);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["width"], 320);
  EXPECT_EQ(r.json["height"], 240);
  ASSERT_EQ(r.json["boxes"].size(), 2u);
  EXPECT_EQ(r.json["boxes"][0]["label"], "container");
  EXPECT_EQ(r.json["boxes"][0]["labelled_by"], "ivan");
  Reply g = Call("GET", Path(obs_), admin_);
  ASSERT_EQ(g.status, 200) << g.raw.body;
  EXPECT_EQ(g.json["boxes"], r.json["boxes"]);
  // A second save replaces the set.
  ASSERT_EQ(Call("PUT", Path(obs_), inspector_, Json{{"boxes", Json::array()}}).status, 200);
  EXPECT_EQ(Stored(), 0u);
  store::AuditFilter f;
  f.action = "annotation.save";
  auto events = store_->ListAudit(f);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  for (const auto& e : *events) EXPECT_EQ(e.object_id, obs_);
  const bool first = (*events)[0].details["boxes"] == 2;
  EXPECT_EQ((*events)[first ? 0 : 1].details["labels"]["container"], 1);
}

TEST_F(AnnotationsApi, BadBoxesAreRefusedNamingTheFieldAndWriteNothing) {
  auto box = [](Json b) { return Json{{"boxes", Json::array({b})}}; };
  Json good = {{"label", "container"}, {"x", 10}, {"y", 10}, {"w", 20}, {"h", 20}};
  ASSERT_EQ(Call("PUT", Path(obs_), inspector_, box(good)).status, 200);
  const struct {
    Json body;
    std::string field;
  } cases[] = {
      {Json::object(), "boxes"},
      {Json{{"boxes", "x"}}, "boxes"},
      {box(Json{{"x", 1}, {"y", 1}, {"w", 5}, {"h", 5}}), "boxes[0].label"},
      {box(Json{{"label", "Container!"}, {"x", 1}, {"y", 1}, {"w", 5}, {"h", 5}}),
       "boxes[0].label"},
      {box(Json{{"label", "car"}, {"x", -1}, {"y", 1}, {"w", 5}, {"h", 5}}), "boxes[0].x"},
      {box(Json{{"label", "car"}, {"x", 1}, {"y", 1}, {"w", 1}, {"h", 5}}), "boxes[0].w"},
      {box(Json{{"label", "car"}, {"x", 300}, {"y", 1}, {"w", 40}, {"h", 5}}), "boxes[0]"},
      {box(Json{{"label", "car"}, {"x", 1}, {"y", "1"}, {"w", 5}, {"h", 5}}), "boxes[0].y"},
  };
  for (const auto& c : cases) {
    Reply r = Call("PUT", Path(obs_), inspector_, c.body);
    EXPECT_EQ(r.status, 400) << c.body.dump();
    EXPECT_EQ(r.ErrorField(), c.field) << r.raw.body;
  }
  Json many = Json::array();
  for (int i = 0; i < 501; ++i) many.push_back(good);
  EXPECT_EQ(Call("PUT", Path(obs_), inspector_, Json{{"boxes", many}}).ErrorField(), "boxes");
  EXPECT_EQ(Call("PUT", Path(obs_), inspector_, std::string("{"), "application/json").status, 400);
  EXPECT_EQ(Stored(), 1u) << "the first save stands";
}

TEST_F(AnnotationsApi, UnknownOrDeletedImagesAndOtherRolesAreRefused) {
  Json body = {{"boxes", Json::array()}};
  Reply unknown = Call("PUT", Path("nope"), inspector_, body);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.ErrorField(), "id");
  const std::string gone = Seed(/*with_image=*/false);
  Reply deleted = Call("GET", Path(gone), inspector_);
  EXPECT_EQ(deleted.status, 404);
  EXPECT_NE(deleted.raw.body.find("deleted"), std::string::npos);
  EXPECT_EQ(Call("PUT", Path(obs_), dpo_, body).status, 403);
  EXPECT_EQ(Call("PUT", Path(obs_), "", body).status, 401);
}

}  // namespace
}  // namespace tilsyn::server::testing
