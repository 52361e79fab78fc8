// A finding's life: POST /api/v1/assessments/{id}/case and the list's status filter and search.
#include <gtest/gtest.h>

#include "core/ids.h"
#include "fakes/fake_world.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

class CasesApi : public ApiTest {
 protected:
  std::string Add(const std::string& reason) {
    const store::Observation o = ::tilsyn::testing::InsertObservation(
        store_.get(), task_, vehicle_, kNow, store::ObservationState::kDone);
    store::AssessmentRecord a;
    a.id = NewUuid();
    a.observation_id = o.id;
    a.task_id = task_.id;
    a.outcome = "finding";
    a.reason = reason;
    a.created_ms = kNow;
    EXPECT_TRUE(store_->RecordAssessment(o.id, {}, a, {}).ok());
    return a.id;
  }
  void SetUp() override {
    ApiTest::SetUp();
    task_ = store_->GetTask(CreateTask()).value();
    vehicle_ = CreateVehicleWithToken().first;
    skip_ = Add("object on the site and no permit within 40 m");
    sign_ = Add("sign text does not match 'Bageriet'");
  }
  std::string Path(const std::string& id) { return "/api/v1/assessments/" + id + "/case"; }
  tasks::Task task_;
  std::string vehicle_, skip_, sign_;
};

TEST_F(CasesApi, AFindingGoesFromOpenToHandledWithAStepAndANote) {
  Reply first = Call("GET", "/api/v1/assessments/" + skip_, inspector_);
  EXPECT_EQ(first.json["case"]["status"], "open");
  ASSERT_EQ(Call("POST", Path(skip_), inspector_,
                 Json{{"step", "advice"}, {"step_date", "2026-12-07"}, {"note", "Entreprenøren ringet op"},
                      {"assignee", "TMF Vejdrift"}})
                .status,
            200);
  Reply r = Call("POST", Path(skip_), inspector_, Json{{"status", "handled"}, {"note", "Containeren er fjernet"}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["status"], "handled");
  EXPECT_EQ(r.json["assignee"], "TMF Vejdrift");
  ASSERT_EQ(r.json["events"].size(), 2u);
  EXPECT_EQ(r.json["events"][0]["step"], "advice");
  EXPECT_EQ(r.json["events"][0]["step_date"], "2026-12-07");
  EXPECT_EQ(r.json["events"][1]["user"], "ivan");
  EXPECT_EQ(Call("GET", "/api/v1/assessments/" + skip_, admin_).json["case"], r.json);
  store::AuditFilter f;
  f.action = "finding.case";
  EXPECT_EQ(store_->ListAudit(f)->size(), 2u);
}

TEST_F(CasesApi, TheListFiltersByCaseStatusAndFindsTextInReasonsTitlesAndNotes) {
  ASSERT_EQ(Call("POST", Path(sign_), inspector_, Json{{"status", "in_progress"}, {"note", "Skiltet er nyt"}}).status, 200);
  Reply open = Call("GET", "/api/v1/assessments?status=open", inspector_);
  ASSERT_EQ(open.json["assessments"].size(), 1u);
  EXPECT_EQ(open.json["assessments"][0]["id"], skip_);
  EXPECT_EQ(open.json["assessments"][0]["case_status"], "open");
  Reply by_note = Call("GET", "/api/v1/assessments?q=SKILTET", inspector_);
  ASSERT_EQ(by_note.json["assessments"].size(), 1u);
  EXPECT_EQ(by_note.json["assessments"][0]["id"], sign_);
  Reply by_reason = Call("GET", "/api/v1/assessments?q=permit", inspector_);
  ASSERT_EQ(by_reason.json["assessments"].size(), 1u);
  EXPECT_EQ(by_reason.json["assessments"][0]["id"], skip_);
  EXPECT_EQ(Call("GET", "/api/v1/assessments?q=" + task_.title.substr(0, 6), inspector_).json["assessments"].size(), 2u);
  EXPECT_EQ(Call("GET", "/api/v1/assessments?status=closed", inspector_).ErrorField(), "status");
}

TEST_F(CasesApi, BadCaseEventsAreRefusedNamingTheFieldAndWriteNothing) {
  EXPECT_EQ(Call("POST", Path(skip_), inspector_, Json{{"status", "closed"}}).ErrorField(), "status");
  EXPECT_EQ(Call("POST", Path(skip_), inspector_, Json{{"step", "fine"}}).ErrorField(), "step");
  EXPECT_EQ(Call("POST", Path(skip_), inspector_, Json{{"step", "order"}, {"step_date", "7/12"}}).ErrorField(), "step_date");
  EXPECT_EQ(Call("POST", Path(skip_), inspector_, Json::object()).ErrorField(), "body");
  EXPECT_EQ(Call("POST", Path("nope"), inspector_, Json{{"status", "handled"}}).status, 404);
  EXPECT_EQ(Call("POST", Path(skip_), dpo_, Json{{"status", "handled"}}).status, 403);
  EXPECT_TRUE(store_->cases().CaseEvents(skip_)->empty());
}

}  // namespace
}  // namespace tilsyn::server::testing
