// GET /api/v1/evaluation(.csv): the pilot's figures over a real store, per unit, with the
// period and depot from the query; bad parameters are named.
#include <gtest/gtest.h>

#include "api_fixture.h"
#include "core/ids.h"
#include "fakes/fake_world.h"

namespace tilsyn::server::testing {
namespace {

class EvaluationApiTest : public ApiTest {
 protected:
  // A task of `unit`, observed and assessed once with `outcome` (first service good enough).
  void Assessed(const std::string& unit, const std::string& outcome) {
    tasks::Task t = ::tilsyn::testing::ActiveTask(kNow - 3'600'000);
    t.unit = unit;
    ::tilsyn::testing::CreateTaskWithJob(store_.get(), t);
    store::Observation o = ::tilsyn::testing::InsertObservation(store_.get(), t, "v1", kNow);
    store::RecognitionRunRecord run;
    run.id = NewUuid();
    run.observation_id = o.id;
    run.service = "hog-person";
    run.label = "person";
    run.started_ms = run.finished_ms = kNow;
    run.good_enough = true;
    store::AssessmentRecord a;
    a.id = NewUuid();
    a.observation_id = o.id;
    a.task_id = t.id;
    a.outcome = outcome;
    a.created_ms = kNow + 60'000;
    ASSERT_TRUE(store_->RecordAssessment(o.id, {run}, a, {}).ok());
  }
  static double Figure(const Json& unit, const std::string& key) {
    for (const auto& f : unit["figures"]) {
      if (f["key"] == key) return f["value"].is_null() ? -1 : f["value"].get<double>();
    }
    return -2;
  }
};

TEST_F(EvaluationApiTest, FiguresPerUnitForThePeriod) {
  Assessed("TMF", "finding");
  Assessed("BUF", "ok");
  Reply r = Call("GET", "/api/v1/evaluation?from=2023-11-01&to=2023-12-01&depot=55.68,12.58", dpo_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["from"], "2023-11-01T00:00:00.000Z");
  ASSERT_EQ(r.json["units"].size(), 3u);
  EXPECT_EQ(r.json["units"][0]["unit"], "*");
  EXPECT_EQ(Figure(r.json["units"][0], "inspections_by_camera"), 2);
  EXPECT_EQ(Figure(r.json["units"][0], "good_enough_first_share"), 1);
  EXPECT_EQ(Figure(r.json["units"][0], "hours_to_first_observation"), 1);
  EXPECT_GT(Figure(r.json["units"][0], "driving_saved_km"), 0);
  EXPECT_EQ(r.json["units"][2]["unit"], "TMF");
  EXPECT_EQ(Figure(r.json["units"][2], "inspections_by_camera"), 1);
  // Another period holds nothing; one unit only.
  Reply before = Call("GET", "/api/v1/evaluation?from=2023-01-01&to=2023-02-01", inspector_);
  EXPECT_EQ(Figure(before.json["units"][0], "inspections_by_camera"), 0);
  EXPECT_EQ(Figure(before.json["units"][0], "driving_saved_km"), -1) << "no depot configured";
  Reply one = Call("GET", "/api/v1/evaluation?from=2023-11-01&to=2023-12-01&unit=BUF", admin_);
  ASSERT_EQ(one.json["units"].size(), 2u);
  EXPECT_EQ(one.json["units"][1]["unit"], "BUF");
}

TEST_F(EvaluationApiTest, CsvAndBadParameters) {
  Assessed("TMF", "finding");
  Reply csv = Call("GET", "/api/v1/evaluation.csv?from=2023-11-01&to=2023-12-01", inspector_);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.raw.content_type, "text/csv; charset=utf-8");
  EXPECT_NE(csv.raw.body.find("*,inspections_by_camera,1,count,"), std::string::npos);
  auto [vehicle, vtoken] = CreateVehicleWithToken();
  EXPECT_EQ(Call("GET", "/api/v1/evaluation", vtoken).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/evaluation?from=last%20week", dpo_).ErrorField(), "from");
  EXPECT_EQ(Call("GET", "/api/v1/evaluation?from=2023-12-01&to=2023-11-01", dpo_).ErrorField(),
            "to");
  EXPECT_EQ(Call("GET", "/api/v1/evaluation?depot=here", dpo_).ErrorField(), "depot");
}

}  // namespace
}  // namespace tilsyn::server::testing
