#include <gtest/gtest.h>

#include "core/ids.h"
#include "core/time_format.h"
#include "fakes/fake_world.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

class AssessmentsApi : public ApiTest {
 protected:
  // Stores an observation with one fallback run pair, an assessment and two action runs.
  std::string Seed(const std::string& task_id, const std::string& vehicle_id,
                   const std::string& outcome, TimeMs captured_ms = kNow, double lat = 55.6761,
                   double lon = 12.5683) {
    store::Observation obs;
    obs.id = NewUuid();
    obs.task_id = task_id;
    obs.job_id = task_id;
    obs.vehicle_id = vehicle_id;
    obs.captured_ms = captured_ms;
    obs.lat = lat;
    obs.lon = lon;
    obs.blob_key = obs.id + ".jpg";
    obs.image_sha256 = "00";
    obs.received_ms = obs.updated_ms = kNow;
    store::BlobRecord blob;
    blob.key = obs.blob_key;
    blob.observation_id = obs.id;
    blob.task_id = task_id;
    blob.size = 10;
    blob.created_ms = kNow;
    blob.delete_after_ms = kNow + 1000;
    auto inserted = store_->InsertObservation(obs, blob);
    EXPECT_TRUE(inserted.ok()) << inserted.status().ToString();

    std::vector<store::RecognitionRunRecord> runs(2);
    for (int i = 0; i < 2; ++i) {
      runs[i].id = NewUuid();
      runs[i].observation_id = obs.id;
      runs[i].service = i == 0 ? "hog-person" : "cascade-fullbody";
      runs[i].label = "person";
      runs[i].position = i;
      runs[i].started_ms = kNow;
      runs[i].finished_ms = kNow + 10 * (i + 1);
      runs[i].good_enough = i == 1;
    }
    store::AssessmentRecord a;
    a.id = NewUuid();
    a.observation_id = obs.id;
    a.task_id = task_id;
    a.outcome = outcome;
    a.reason = "1 person present as expected";
    a.reason_code = "present_as_expected";
    a.reason_params = {{"n", "1"}, {"label", "person"}};
    a.counts = {{"person", 1}};
    a.created_ms = kNow;
    std::vector<store::ActionRunRecord> actions;
    for (const std::string type : {"log", "webhook"}) {
      store::ActionRunRecord r;
      r.id = NewUuid();
      r.assessment_id = a.id;
      r.task_id = task_id;
      r.type = type;
      r.target = type == "webhook" ? "http://127.0.0.1:9/hook" : "";
      r.idempotency_key = a.id + ":" + type;
      r.created_ms = r.updated_ms = r.next_attempt_ms = kNow;
      actions.push_back(r);
    }
    Status st = store_->RecordAssessment(obs.id, runs, a, actions);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return a.id;
  }

  void SetUp() override {
    ApiTest::SetUp();
    task_ = CreateActiveTask();
    vehicle_ = CreateVehicleWithToken().first;
  }
  std::string task_, vehicle_;
};

TEST_F(AssessmentsApi, ListFiltersAndGetIncludesRunsAndActions) {
  std::string finding = Seed(task_, vehicle_, "finding");
  std::string ok = Seed(task_, vehicle_, "ok");
  Reply l = Call("GET", "/api/v1/assessments", dpo_);
  ASSERT_EQ(l.status, 200) << l.raw.body;
  EXPECT_EQ(l.json["assessments"].size(), 2u);
  l = Call("GET", "/api/v1/assessments?outcome=finding&task_id=" + task_, inspector_);
  ASSERT_EQ(l.json["assessments"].size(), 1u);
  EXPECT_EQ(l.json["assessments"][0]["id"], finding);
  EXPECT_TRUE(
      Call("GET", "/api/v1/assessments?task_id=other", inspector_).json["assessments"].empty());
  EXPECT_EQ(Call("GET", "/api/v1/assessments?outcome=maybe", inspector_).ErrorField(), "outcome");

  Reply g = Call("GET", "/api/v1/assessments/" + finding, inspector_);
  ASSERT_EQ(g.status, 200) << g.raw.body;
  EXPECT_EQ(g.json["outcome"], "finding");
  EXPECT_EQ(g.json["counts"]["person"], 1);
  // The reason in English and as a code with its parameters, for the UI's language.
  EXPECT_EQ(g.json["reason_code"], "present_as_expected");
  EXPECT_EQ(g.json["reason_params"]["label"], "person");
  ASSERT_EQ(g.json["runs"].size(), 2u);
  EXPECT_EQ(g.json["runs"][0]["service"], "hog-person");
  EXPECT_EQ(g.json["runs"][1]["position"], 1);
  ASSERT_EQ(g.json["actions"].size(), 2u);
  EXPECT_EQ(g.json["actions"][0]["status"], "pending");
  EXPECT_TRUE(g.json["feedback"].is_null());
  EXPECT_EQ(Call("GET", "/api/v1/assessments/nope", inspector_).status, 404);
  (void)ok;
}

TEST_F(AssessmentsApi, ListFiltersByCaptureTimeAndPlaceAndPages) {
  constexpr TimeMs kHour = 3'600'000;
  const std::string early = Seed(task_, vehicle_, "finding", kNow - 48 * kHour, 55.70, 12.60);
  const std::string late = Seed(task_, vehicle_, "finding", kNow - kHour, 55.60, 12.50);
  auto ids = [&](const std::string& query) {
    Reply r = Call("GET", "/api/v1/assessments?" + query, inspector_);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    std::vector<std::string> out;
    for (const auto& a : r.json["assessments"]) out.push_back(a["id"]);
    return out;
  };
  // Capture time: a day or an RFC 3339 time; `to` is exclusive.
  EXPECT_EQ(ids("from=" + FormatIso8601(kNow - 24 * kHour)), std::vector<std::string>{late});
  EXPECT_EQ(ids("to=" + FormatIso8601(kNow - 24 * kHour)), std::vector<std::string>{early});
  EXPECT_EQ(ids("from=" + FormatIso8601(kNow - 24 * kHour).substr(0, 10)).size() +
                ids("to=" + FormatIso8601(kNow - 24 * kHour).substr(0, 10)).size(),
            2u);
  // Place: minLon,minLat,maxLon,maxLat.
  EXPECT_EQ(ids("bbox=12.55,55.65,12.65,55.75"), std::vector<std::string>{early});
  EXPECT_EQ(ids("bbox=12.45,55.55,12.55,55.65&from=" + FormatIso8601(kNow - 24 * kHour)),
            std::vector<std::string>{late});
  EXPECT_TRUE(ids("bbox=0,0,1,1").empty());
  // Each item says where and when, and whether its image is kept.
  Reply all = Call("GET", "/api/v1/assessments", inspector_);
  ASSERT_EQ(all.json["assessments"].size(), 2u);
  EXPECT_NEAR(all.json["assessments"][0]["lat"].get<double>(), 55.6, 0.11);
  EXPECT_TRUE(all.json["assessments"][0]["has_image"].get<bool>());
  EXPECT_TRUE(all.json["next_offset"].is_null());
  // Pages: next_offset until the last, with and without filters applied in memory.
  for (const std::string extra : {"", "&from=2000-01-01"}) {
    Reply p1 = Call("GET", "/api/v1/assessments?limit=1" + extra, inspector_);
    ASSERT_EQ(p1.json["assessments"].size(), 1u) << extra;
    ASSERT_EQ(p1.json["next_offset"], 1) << extra;
    Reply p2 = Call("GET", "/api/v1/assessments?limit=1&offset=1" + extra, inspector_);
    ASSERT_EQ(p2.json["assessments"].size(), 1u) << extra;
    EXPECT_NE(p2.json["assessments"][0]["id"], p1.json["assessments"][0]["id"]);
    EXPECT_TRUE(p2.json["next_offset"].is_null()) << extra;
  }
  // Bad input names the parameter.
  EXPECT_EQ(Call("GET", "/api/v1/assessments?from=yesterday", inspector_).ErrorField(), "from");
  EXPECT_EQ(
      Call("GET", "/api/v1/assessments?from=2026-01-02&to=2026-01-01", inspector_).ErrorField(),
      "to");
  EXPECT_EQ(Call("GET", "/api/v1/assessments?bbox=1,2,3", inspector_).ErrorField(), "bbox");
  EXPECT_EQ(Call("GET", "/api/v1/assessments?bbox=13,55,12,56", inspector_).ErrorField(), "bbox");
}

TEST_F(AssessmentsApi, FeedbackIsValidatedAndStored) {
  std::string id = Seed(task_, vehicle_, "finding");
  std::string path = "/api/v1/assessments/" + id + "/feedback";
  struct Bad {
    Json body;
    std::string field;
  };
  std::vector<Bad> bad = {
      {Json::object(), "verdict"},
      {{{"verdict", "maybe"}}, "verdict"},
      {{{"verdict", 3}}, "verdict"},
      {{{"verdict", "corrected"}}, "corrected_label"},
      {{{"verdict", "corrected"}, {"corrected_label", ""}}, "corrected_label"},
      {{{"verdict", "correct"}, {"satisfaction", 0}}, "satisfaction"},
      {{{"verdict", "correct"}, {"satisfaction", 6}}, "satisfaction"},
      {{{"verdict", "correct"}, {"satisfaction", "5"}}, "satisfaction"},
  };
  for (const auto& b : bad) {
    Reply r = Call("POST", path, inspector_, b.body);
    EXPECT_EQ(r.status, 400) << b.body.dump();
    EXPECT_EQ(r.ErrorField(), b.field) << b.body.dump();
  }
  EXPECT_EQ(Call("POST", path, inspector_, std::string("{oops")).ErrorField(), "body");
  EXPECT_TRUE(store_->GetAssessment(id)->feedback.empty());

  Reply r =
      Call("POST", path, inspector_,
           Json{{"verdict", "corrected"}, {"corrected_label", "bicycle"}, {"satisfaction", 4}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["feedback"]["verdict"], "corrected");
  EXPECT_EQ(r.json["feedback"]["by"], "ivan");
  auto stored = store_->GetAssessment(id);
  EXPECT_EQ(stored->feedback, "corrected");
  EXPECT_EQ(stored->corrected_label, "bicycle");
  EXPECT_EQ(stored->satisfaction, 4);
  EXPECT_EQ(
      Call("POST", "/api/v1/assessments/nope/feedback", inspector_, Json{{"verdict", "correct"}})
          .status,
      404);
  EXPECT_EQ(Call("POST", path, dpo_, Json{{"verdict", "correct"}}).status, 403);
}

TEST_F(AssessmentsApi, ActionRunsListFiltersByAssessment) {
  std::string a = Seed(task_, vehicle_, "finding");
  Seed(task_, vehicle_, "ok");
  Reply all = Call("GET", "/api/v1/action-runs", inspector_);
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.json["action_runs"].size(), 4u);
  Reply one = Call("GET", "/api/v1/action-runs?assessment_id=" + a, inspector_);
  ASSERT_EQ(one.json["action_runs"].size(), 2u);
  for (const auto& r : one.json["action_runs"]) EXPECT_EQ(r["assessment_id"], a);
  EXPECT_EQ(Call("GET", "/api/v1/action-runs?limit=0", inspector_).ErrorField(), "limit");
}

TEST_F(AssessmentsApi, AFailedActionRunCanBeRetriedByAnAdminAndItIsAudited) {
  const std::string a = Seed(task_, vehicle_, "finding");
  store::ActionRunRecord run = store_->ListActionRuns(a, 10).value().front();
  Reply early = Call("POST", "/api/v1/action-runs/" + run.id + "/retry", admin_, "");
  EXPECT_EQ(early.status, 412) << early.raw.body;
  EXPECT_EQ(early.ErrorField(), "status");
  run.status = store::ActionStatus::kFailed;
  run.attempts = 1;
  run.next_attempt_ms = kNow + 60'000;
  run.last_error = "HTTP 404";
  ASSERT_TRUE(store_->UpdateActionRun(run).ok());
  EXPECT_EQ(Call("POST", "/api/v1/action-runs/" + run.id + "/retry", inspector_, "").status, 403);
  Reply unknown = Call("POST", "/api/v1/action-runs/nope/retry", admin_, "");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.ErrorField(), "id");
  Reply r = Call("POST", "/api/v1/action-runs/" + run.id + "/retry", admin_, "");
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["status"], "pending");
  EXPECT_EQ(r.json["attempts"], 1) << "the attempt log is kept";
  const store::ActionRunRecord stored = store_->GetActionRun(run.id).value();
  EXPECT_EQ(stored.status, store::ActionStatus::kPending);
  EXPECT_LE(stored.next_attempt_ms, clock_.NowMs()) << "due at once";
  store::AuditFilter f;
  f.action = "action_run.retry";
  auto events = store_->ListAudit(f);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].object_id, run.id);
}

TEST_F(AssessmentsApi, StatsAndSummaryCountWhatIsStored) {
  Seed(task_, vehicle_, "finding");
  Seed(task_, vehicle_, "ok");
  Reply s = Call("GET", "/api/v1/stats/services", dpo_);
  ASSERT_EQ(s.status, 200) << s.raw.body;
  ASSERT_EQ(s.json["services"].size(), 2u);
  for (const auto& svc : s.json["services"]) {
    EXPECT_EQ(svc["calls"], 2);
    EXPECT_EQ(svc["label"], "person");
    double rate = svc["good_enough_rate"];
    EXPECT_DOUBLE_EQ(rate, svc["service"] == "hog-person" ? 0.0 : 1.0);
  }

  Reply sum = Call("GET", "/api/v1/summary", inspector_);
  ASSERT_EQ(sum.status, 200) << sum.raw.body;
  EXPECT_EQ(sum.json["observations"]["assessed"], 2);
  EXPECT_EQ(sum.json["observations"]["failed"], 0);
  EXPECT_EQ(sum.json["assessments"]["finding"], 1);
  EXPECT_EQ(sum.json["assessments"]["ok"], 1);
  EXPECT_EQ(sum.json["assessments"]["inconclusive"], 0);
  EXPECT_EQ(sum.json["action_runs"]["webhook"]["pending"], 2);
  EXPECT_EQ(sum.json["action_runs"]["log"]["pending"], 2);
  EXPECT_EQ(sum.json["images"]["kept"], 2);
  EXPECT_EQ(sum.json["images"]["deleted"], 0);
}

TEST_F(AssessmentsApi, ObservationIsReadableWithItsAssessment) {
  std::string a = Seed(task_, vehicle_, "finding");
  std::string obs_id = store_->GetAssessment(a)->observation_id;
  Reply r = Call("GET", "/api/v1/observations/" + obs_id, inspector_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["state"], "assessed");
  EXPECT_EQ(r.json["assessment_id"], a);
  EXPECT_EQ(r.json["vehicle_id"], vehicle_);
  EXPECT_TRUE(r.json["has_image"].get<bool>());
  EXPECT_EQ(Call("GET", "/api/v1/observations/nope", inspector_).status, 404);
}

}  // namespace
}  // namespace tilsyn::server::testing

namespace tilsyn::server::testing {
namespace {

TEST_F(AssessmentsApi, BeforeAfterAssessmentNamesItsReferenceImage) {
  Json body = ValidTaskJson();
  body["kind"] = "before_after";
  body["targets"] = Json::array({{{"label", "change"}, {"min_confidence", 0.5}}});
  std::string task = CreateActiveTask(body);
  std::string first = Seed(task, vehicle_, "ok");
  std::string second = Seed(task, vehicle_, "finding");
  Reply g1 = Call("GET", "/api/v1/assessments/" + first, inspector_);
  Reply g2 = Call("GET", "/api/v1/assessments/" + second, inspector_);
  ASSERT_EQ(g2.status, 200) << g2.raw.body;
  EXPECT_EQ(g2.json["reference_observation_id"], g1.json["observation_id"]);
  // The reference is always another observation than the one reviewed.
  EXPECT_EQ(g1.json["reference_observation_id"], g2.json["observation_id"]);
  // Other kinds carry no reference.
  std::string plain = Seed(task_, vehicle_, "ok");
  EXPECT_FALSE(Call("GET", "/api/v1/assessments/" + plain, inspector_)
                   .json.contains("reference_observation_id"));
}

}  // namespace
}  // namespace tilsyn::server::testing

namespace tilsyn::server::testing {
namespace {

class FeedbackLabels : public ApiTest {};

TEST_F(FeedbackLabels, ALabelWithWrongIsKeptAndWithCorrectRefusedAndTheListShowsTheCaptureTime) {
  const std::string task = CreateActiveTask();
  const std::string vehicle = CreateVehicleWithToken().first;
  const store::Observation o =
      ::tilsyn::testing::InsertObservation(store_.get(), store_->GetTask(task).value(), vehicle,
                                           kNow - 3'600'000, store::ObservationState::kDone);
  store::AssessmentRecord a;
  a.id = NewUuid();
  a.observation_id = o.id;
  a.task_id = task;
  a.outcome = "finding";
  a.created_ms = kNow;
  ASSERT_TRUE(store_->RecordAssessment(o.id, {}, a, {}).ok());
  const std::string path = "/api/v1/assessments/" + a.id + "/feedback";
  Reply wrong =
      Call("POST", path, inspector_, Json{{"verdict", "wrong"}, {"corrected_label", "bicycle"}});
  ASSERT_EQ(wrong.status, 200) << wrong.raw.body;
  EXPECT_EQ(store_->GetAssessment(a.id)->corrected_label, "bicycle");
  EXPECT_EQ(Call("POST", path, inspector_, Json{{"verdict", "correct"}, {"corrected_label", "x"}})
                .ErrorField(),
            "corrected_label");
  Reply list = Call("GET", "/api/v1/assessments", inspector_);
  ASSERT_EQ(list.json["assessments"].size(), 1u);
  EXPECT_EQ(list.json["assessments"][0]["captured_at"], FormatIso8601(kNow - 3'600'000));
}

}  // namespace
}  // namespace tilsyn::server::testing
