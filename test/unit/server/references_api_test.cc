// /api/v1/tasks/{id}/reference: which image later ones are compared with, and an inspector's mark.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "core/ids.h"
#include "imaging/jpeg.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

constexpr TimeMs kDay = 86'400'000;

Json BeforeAfterTask() {
  Json t = ValidTaskJson();
  t["kind"] = "before_after";
  t["targets"] = {{{"label", "change"}, {"min_confidence", 0.5}}};
  t["rule"] = {{"change_threshold", 0.1}, {"roi", {{"x", 0.25}, {"y", 0.5}, {"w", 0.5}, {"h", 0.25}}}};
  return t;
}

class ReferencesApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    task_ = CreateActiveTask(BeforeAfterTask());
    vehicle_ = CreateVehicleWithToken().first;
    first_ = Seed(task_, kNow - 2 * kDay);
    later_ = Seed(task_, kNow - kDay);
  }

  // A done observation of `task` captured at `at`, with a stored image due in 30 days.
  std::string Seed(const std::string& task, TimeMs at,
                   store::ObservationState state = store::ObservationState::kDone) {
    store::Observation obs;
    obs.id = NewUuid();
    obs.task_id = obs.job_id = task;
    obs.vehicle_id = vehicle_;
    obs.captured_ms = obs.received_ms = obs.updated_ms = at;
    obs.state = state;
    obs.blob_key = obs.id + ".jpg";
    obs.image_sha256 = "00";
    store::BlobRecord blob;
    blob.key = obs.blob_key;
    blob.created_ms = at;
    blob.delete_after_ms = at + 30 * kDay;
    const std::string jpeg = imaging::EncodeJpeg(cv::Mat(120, 160, CV_8UC3, cv::Scalar(90, 120, 150))).value();
    blob.size = static_cast<int64_t>(jpeg.size());
    EXPECT_TRUE(store_->InsertObservation(obs, blob).ok());
    EXPECT_TRUE(blobs_->Put(obs.blob_key, jpeg).ok());
    return obs.id;
  }

  std::string Path() const { return "/api/v1/tasks/" + task_ + "/reference"; }
  Reply Mark(const std::string& obs, const std::string& token) {
    return Call("PUT", Path(), token, Json{{"observation_id", obs}});
  }

  std::string task_, vehicle_, first_, later_;
};

TEST_F(ReferencesApi, WithoutAMarkTheFirstKeptImageIsTheReference) {
  Reply r = Call("GET", Path(), dpo_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["observation_id"], first_);
  EXPECT_EQ(r.json["source"], "first");
  // The task keeps its region of interest.
  Reply t = Call("GET", "/api/v1/tasks/" + task_, dpo_);
  EXPECT_EQ(t.json["rule"]["roi"], BeforeAfterTask()["rule"]["roi"]);
}

TEST_F(ReferencesApi, AnInspectorMarksALaterImageWhichIsKeptUntilTheTaskEndsAndAudited) {
  Reply r = Mark(later_, inspector_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["observation_id"], later_);
  EXPECT_EQ(r.json["source"], "marked");
  EXPECT_EQ(r.json["marked_by"], "ivan");
  EXPECT_EQ(Call("GET", Path(), admin_).json["observation_id"], later_);
  // The pipeline compares with the marked one now (also for the first image itself).
  auto ref = store_->ReferenceObservation(task_, "");
  ASSERT_TRUE(ref.ok() && *ref);
  EXPECT_EQ((*ref)->id, later_);
  auto ref_for_later = store_->ReferenceObservation(task_, later_);
  ASSERT_TRUE(ref_for_later.ok() && *ref_for_later);
  EXPECT_EQ((*ref_for_later)->id, first_) << "an image is never its own reference";
  // Kept until the task's end of validity (2030), not its 30 days.
  auto obs = store_->GetObservation(later_);
  auto blob = store_->GetBlob(obs->blob_key);
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(*blob->delete_after_ms, ParseIso8601("2030-01-01T00:00:00Z").value());
  store::AuditFilter f;
  f.action = "task.reference";
  auto events = store_->ListAudit(f);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].object_id, task_);
  EXPECT_EQ((*events)[0].details["observation_id"], later_);
}

TEST_F(ReferencesApi, AMarkedImageThatIsDeletedGivesWayToTheFirst) {
  ASSERT_EQ(Mark(later_, inspector_).status, 200);
  auto obs = store_->GetObservation(later_);
  ASSERT_TRUE(store_->MarkBlobDeleted(obs->blob_key, kNow, "test").ok());
  Reply r = Call("GET", Path(), inspector_);
  EXPECT_EQ(r.json["observation_id"], first_);
  EXPECT_EQ(r.json["source"], "first");
}

TEST_F(ReferencesApi, BadMarksAreRefusedNamingTheProblemAndChangeNothing) {
  // Another task's image.
  const std::string other_task = CreateActiveTask(BeforeAfterTask());
  const std::string other = Seed(other_task, kNow);
  Reply r = Mark(other, inspector_);
  EXPECT_EQ(r.status, 400) << r.raw.body;
  EXPECT_EQ(r.ErrorField(), "observation_id");
  // Unknown image, unknown task, a missing field.
  EXPECT_EQ(Mark(NewUuid(), inspector_).status, 404);
  EXPECT_EQ(Call("PUT", "/api/v1/tasks/" + NewUuid() + "/reference", inspector_,
                 Json{{"observation_id", later_}}).status, 404);
  r = Call("PUT", Path(), inspector_, Json::object());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorField(), "observation_id");
  // Not assessed yet; image deleted.
  const std::string waiting = Seed(task_, kNow, store::ObservationState::kStored);
  r = Mark(waiting, inspector_);
  EXPECT_EQ(r.status, 412) << r.raw.body;
  EXPECT_EQ(r.ErrorField(), "observation_id");
  auto obs = store_->GetObservation(later_);
  ASSERT_TRUE(store_->MarkBlobDeleted(obs->blob_key, kNow, "test").ok());
  EXPECT_EQ(Mark(later_, inspector_).status, 412);
  // The DPO reads but does not mark; a task that compares with nothing has no reference.
  EXPECT_EQ(Mark(first_, dpo_).status, 403);
  const std::string presence = CreateActiveTask();
  r = Call("GET", "/api/v1/tasks/" + presence + "/reference", inspector_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorField(), "id");
  EXPECT_FALSE(store_->MarkedReference(task_).value().has_value());
}

TEST_F(ReferencesApi, ARegionOfInterestIsCheckedAndOnlyForTasksThatCompare) {
  Json t = BeforeAfterTask();
  t["rule"]["roi"]["w"] = 0.9;  // 0.25 + 0.9 > 1
  Reply r = Call("POST", "/api/v1/tasks", inspector_, t);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorField(), "rule.roi");
  t["rule"]["roi"] = {{"x", 0.1}, {"y", 0.1}, {"w", 0.2}};
  r = Call("POST", "/api/v1/tasks", inspector_, t);
  EXPECT_EQ(r.ErrorField(), "rule.roi.h");
  t["rule"]["roi"] = {{"x", -0.1}, {"y", 0.1}, {"w", 0.2}, {"h", 0.2}};
  EXPECT_EQ(Call("POST", "/api/v1/tasks", inspector_, t).ErrorField(), "rule.roi.x");
  Json presence = ValidTaskJson();
  presence["rule"] = {{"roi", {{"x", 0.1}, {"y", 0.1}, {"w", 0.2}, {"h", 0.2}}}};
  EXPECT_EQ(Call("POST", "/api/v1/tasks", inspector_, presence).ErrorField(), "rule.roi");
  // A condition task by change takes one.
  Json condition = BeforeAfterTask();
  condition["kind"] = "condition";
  r = Call("POST", "/api/v1/tasks", inspector_, condition);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.json["rule"]["roi"]["x"], 0.25);
  EXPECT_EQ(r.json["rule"]["change_threshold"], 0.1);
}

}  // namespace
}  // namespace tilsyn::server::testing
