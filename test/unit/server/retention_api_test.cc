// GET /api/v1/retention: every kept image with its deadline and the reason it is kept.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "core/ids.h"
#include "imaging/jpeg.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

constexpr TimeMs kDay = 86'400'000;

class RetentionApi : public ApiTest {
 protected:
  // An observation of `task` with a stored image due at `due`; assessed with `outcome` unless
  // it is empty (then still waiting).
  std::string Seed(const std::string& task, const std::string& outcome, TimeMs due) {
    store::Observation obs;
    obs.id = NewUuid();
    obs.task_id = obs.job_id = task;
    obs.vehicle_id = vehicle_;
    obs.captured_ms = obs.received_ms = obs.updated_ms = kNow - kDay;
    obs.blob_key = obs.id + ".jpg";
    obs.image_sha256 = "00";
    store::BlobRecord blob;
    blob.key = obs.blob_key;
    blob.created_ms = kNow;
    blob.delete_after_ms = due;
    EXPECT_TRUE(store_->InsertObservation(obs, blob).ok());
    if (!outcome.empty()) {
      store::AssessmentRecord a;
      a.id = NewUuid();
      a.observation_id = obs.id;
      a.task_id = task;
      a.outcome = outcome;
      a.created_ms = kNow;
      EXPECT_TRUE(store_->RecordAssessment(obs.id, {}, a, {}).ok());
    }
    return obs.id;
  }
  std::string vehicle_;
};

TEST_F(RetentionApi, EveryKeptImageWithItsDeadlineAndReasonSoonestFirst) {
  vehicle_ = CreateVehicleWithToken().first;
  const std::string presence = CreateActiveTask();
  Json ba = ValidTaskJson();
  ba["kind"] = "before_after";
  ba["targets"] = {{{"label", "change"}}};
  ba["title"] = "Square";
  const std::string before_after = CreateActiveTask(ba);
  const std::string finding = Seed(presence, "finding", kNow + 30 * kDay);
  const std::string review = Seed(presence, "inconclusive", kNow + 7 * kDay);
  const std::string waiting = Seed(presence, "", kNow + 30 * kDay + 1);
  const std::string reference = Seed(before_after, "ok", kNow + 20 * kDay);
  Reply r = Call("GET", "/api/v1/retention", dpo_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  const Json& images = r.json["images"];
  ASSERT_EQ(images.size(), 4u);
  EXPECT_EQ(images[0]["observation_id"], review);
  EXPECT_EQ(images[0]["reason"], "inconclusive_review");
  EXPECT_EQ(images[0]["delete_after"], FormatIso8601(kNow + 7 * kDay));
  EXPECT_EQ(images[1]["observation_id"], reference);
  EXPECT_EQ(images[1]["reason"], "reference");
  EXPECT_EQ(images[1]["task_title"], "Square");
  EXPECT_EQ(images[2]["observation_id"], finding);
  EXPECT_EQ(images[2]["reason"], "finding");
  EXPECT_EQ(images[3]["observation_id"], waiting);
  EXPECT_EQ(images[3]["reason"], "awaiting_assessment");
  // A marked reference and a legal hold say so.
  ASSERT_EQ(Call("PUT", "/api/v1/tasks/" + before_after + "/reference", inspector_,
                 Json{{"observation_id", reference}}).status, 200);
  Json held = Call("GET", "/api/v1/tasks/" + presence, admin_).json;
  held["retention"]["legal_hold"] = true;
  ASSERT_EQ(Call("PUT", "/api/v1/tasks/" + presence, admin_, held).status, 200);
  const Json again = Call("GET", "/api/v1/retention?limit=10", admin_).json["images"];
  for (const Json& row : again) {
    if (row["observation_id"] == reference) {
      EXPECT_EQ(row["reason"], "marked_reference");
    }
    if (row["task_id"] == presence) {
      EXPECT_EQ(row["reason"], "legal_hold");
      EXPECT_EQ(row["legal_hold"], true);
    }
  }
  // The DPO's and the administrator's page only; a bad limit is named.
  EXPECT_EQ(Call("GET", "/api/v1/retention", inspector_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/retention?limit=0", dpo_).ErrorField(), "limit");
}

}  // namespace
}  // namespace tilsyn::server::testing
