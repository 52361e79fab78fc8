// The Open311 action against a GeoReport v2 server on loopback written for the test: the service
// request with the facts and the api_key, its id stored with the run, the status followed until
// the case is closed, the server's error answers (400 for good, 503 retried), and the token flow.
#include <gtest/gtest.h>

#include <mutex>

#include "actions/action.h"
#include "fakes/fake_world.h"
#include "fakes/open311_server.h"
#include "fakes/test_paths.h"
#include "net/http.h"
#include "net/http_server.h"

namespace tilsyn::actions {
namespace {

using store::ActionRunRecord;
using store::ActionStatus;

using ::tilsyn::testing::CaseSystem;

class Open311Test : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::OpenSqliteStore(dir_.Sub("tilsyn.db")).value();
    task_ = ::tilsyn::testing::ActiveTask(clock_.NowMs());
    ::tilsyn::testing::CreateTaskWithJob(store_.get(), task_);
    vehicle_ = ::tilsyn::testing::MakeVehicle(store_.get(), clock_.NowMs());
    cases_.Start();
    dispatcher_ = std::make_unique<Dispatcher>(store_.get(), &clock_, DispatcherOptions{});
    dispatcher_->Register("open311", NewOpen311Action(
                                         [](const ActionRunRecord&) {
                                           return Open311Settings{"container", "k-123", "kk.dk"};
                                         },
                                         "https://tilsyn.kk.dk", 5000, &clock_));
    const store::Observation o =
        ::tilsyn::testing::InsertObservation(store_.get(), task_, vehicle_.id, clock_.NowMs());
    store::AssessmentRecord a;
    a.id = "a-1";
    a.observation_id = o.id;
    a.task_id = task_.id;
    a.outcome = "finding";
    a.created_ms = clock_.NowMs();
    ActionRunRecord run;
    run.type = "open311";
    run.target = cases_.Url();
    run.idempotency_key = "a-1:0";
    run.next_attempt_ms = clock_.NowMs();
    run.payload = {{"assessment_id", "a-1"},
                   {"task_title", "Container, Jagtvej 69"},
                   {"reason", "object on the site and no permit within 40 m"},
                   {"captured_at", "2026-12-06T12:10:00.000Z"},
                   {"lat", 55.6961},
                   {"lon", 12.5432}};
    ASSERT_TRUE(store_->RecordAssessment(o.id, {}, a, {run}).ok());
  }
  ActionRunRecord Run() { return store_->ListActionRuns(std::nullopt, 10)->front(); }

  ::tilsyn::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  tasks::Task task_;
  store::Vehicle vehicle_;
  CaseSystem cases_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(Open311Test, OpensACaseStoresItsIdAndFollowsItUntilClosed) {
  ASSERT_EQ(*dispatcher_->RunDue(), 1);
  ActionRunRecord run = Run();
  ASSERT_EQ(run.status, ActionStatus::kSucceeded) << run.last_error;
  EXPECT_EQ(run.result["service_request_id"], "SR-1");
  EXPECT_EQ(run.result["service_notice"], "Modtaget");
  EXPECT_EQ(run.attempt_log[0]["result"]["service_request_id"], "SR-1");
  {
    std::lock_guard<std::mutex> l(cases_.mu);
    ASSERT_EQ(cases_.posts.size(), 1u);
    auto& form = cases_.posts[0];
    EXPECT_EQ(form["service_code"], "container");
    EXPECT_EQ(form["api_key"], "k-123");
    EXPECT_EQ(form["jurisdiction_id"], "kk.dk");
    EXPECT_EQ(form["lat"], "55.6961000");
    EXPECT_EQ(form["long"], "12.5432000");
    EXPECT_NE(form["description"].find("no permit within 40 m"), std::string::npos);
    EXPECT_NE(form["description"].find("https://tilsyn.kk.dk/#/findings/a-1"), std::string::npos);
    EXPECT_NE(form["description"].find("[Tilsyn ref a-1:0]"), std::string::npos);
    EXPECT_EQ(form.count("media_url"), 0u) << "never the image";
  }
  // Not asked again before the follow-up interval.
  EXPECT_EQ(*dispatcher_->FollowUp(60'000), 0);
  clock_.Advance(61'000);
  ASSERT_EQ(*dispatcher_->FollowUp(60'000), 1);
  EXPECT_EQ(Run().result["status"], "open");
  {
    std::lock_guard<std::mutex> l(cases_.mu);
    cases_.case_status = "closed";
    cases_.notes = "Containeren er fjernet";
  }
  clock_.Advance(61'000);
  ASSERT_EQ(*dispatcher_->FollowUp(60'000), 1);
  run = Run();
  EXPECT_EQ(run.result["status"], "closed");
  EXPECT_EQ(run.result["status_notes"], "Containeren er fjernet");
  EXPECT_EQ(run.result["open"], false);
  clock_.Advance(3'600'000);
  EXPECT_EQ(*dispatcher_->FollowUp(60'000), 0) << "a closed case is not followed";
}

TEST_F(Open311Test, ARefusedRequestFailsForGoodNamingTheServersReason) {
  cases_.create = {
      {400, R"([{"code": 400, "description": "service_code container is not known"}])"}};
  ASSERT_EQ(*dispatcher_->RunDue(), 1);
  const ActionRunRecord run = Run();
  EXPECT_EQ(run.status, ActionStatus::kFailed);
  EXPECT_NE(run.last_error.find("service_code container is not known"), std::string::npos)
      << run.last_error;
}

TEST_F(Open311Test, AnUnavailableCaseSystemIsRetried) {
  cases_.create = {{503, "<html>maintenance</html>"}, {200, "<html>proxy page</html>"}};
  ASSERT_EQ(*dispatcher_->RunDue(), 1);
  EXPECT_EQ(Run().status, ActionStatus::kPending);
  clock_.Advance(Run().next_attempt_ms - clock_.NowMs());
  ASSERT_EQ(*dispatcher_->RunDue(), 1);
  EXPECT_EQ(Run().status, ActionStatus::kPending) << "an answer that is not Open311 is retried";
  clock_.Advance(Run().next_attempt_ms - clock_.NowMs());
  ASSERT_EQ(*dispatcher_->RunDue(), 1);
  EXPECT_EQ(Run().status, ActionStatus::kSucceeded);
  EXPECT_EQ(Run().attempts, 3);
}

// Found by fuzzing the JSON readers: a member of another type than Open311 says (a number where
// a string belongs) threw out of the action and would have ended the server. Now it is read as
// absent.
TEST_F(Open311Test, AnswersWithMistypedMembersAreReadAsAbsentNotThrown) {
  cases_.create = {{400, R"([{"code": 400, "description": 17}])"}};
  ASSERT_EQ(*dispatcher_->RunDue(), 1);
  EXPECT_EQ(Run().status, ActionStatus::kFailed);
  EXPECT_EQ(Run().last_error, "HTTP 400");
}

TEST_F(Open311Test, AFollowUpWithAMistypedStatusIsReadAsOpen) {
  ASSERT_EQ(*dispatcher_->RunDue(), 1);
  ASSERT_EQ(Run().status, ActionStatus::kSucceeded);
  {
    std::lock_guard<std::mutex> l(cases_.mu);
    cases_.requests_body = R"([{"service_request_id": "SR-1", "status": 3}])";
  }
  clock_.Advance(61'000);
  ASSERT_EQ(*dispatcher_->FollowUp(60'000), 1);
  EXPECT_EQ(Run().result["status"], "open");
}

TEST_F(Open311Test, ATokenIsResolvedToTheRequestIdWhenFollowedUp) {
  cases_.create = {{201, R"([{"token": "T-9"}])"}};
  ASSERT_EQ(*dispatcher_->RunDue(), 1);
  EXPECT_EQ(Run().result["token"], "T-9");
  EXPECT_FALSE(Run().result.contains("service_request_id"));
  clock_.Advance(61'000);
  ASSERT_EQ(*dispatcher_->FollowUp(60'000), 1);
  EXPECT_EQ(Run().result["service_request_id"], "SR-1");
  clock_.Advance(61'000);
  ASSERT_EQ(*dispatcher_->FollowUp(60'000), 1);
  EXPECT_EQ(Run().result["status"], "open");
}

}  // namespace
}  // namespace tilsyn::actions
