#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "actions/action.h"
#include "core/crypto.h"
#include "fakes/test_store.h"
#include "fakes/fake_world.h"
#include "fakes/test_paths.h"
#include "net/http_server.h"

namespace tilsyn::actions {
namespace {

using store::ActionRunRecord;
using store::ActionStatus;

// Records what a receiver got, and answers with a scripted status per delivery.
struct Receiver {
  std::mutex mu;
  std::vector<net::HttpRequest> requests;
  std::vector<int> statuses;  // answer for delivery i; 200 after the script ends
  std::unique_ptr<net::HttpServer> server;

  void Start() {
    net::HttpServerOptions o;
    o.address = "127.0.0.1";
    o.port = 0;
    auto s = net::StartHttpServer(o, [this](const net::HttpRequest& req) {
      std::lock_guard<std::mutex> l(mu);
      const size_t i = requests.size();
      requests.push_back(req);
      net::HttpResponse resp;
      resp.status = i < statuses.size() ? statuses[i] : 200;
      resp.body = "{}";
      return resp;
    });
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server = std::move(*s);
  }
  std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + "/hook";
  }
  ~Receiver() {
    if (server) server->Stop();
  }
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ::tilsyn::testing::OpenTestStore(dir_.path());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    task_ = testing::ActiveTask(clock_.NowMs());
    testing::CreateTaskWithJob(store_.get(), task_);
    vehicle_ = testing::MakeVehicle(store_.get(), clock_.NowMs());
  }

  // Records an assessment with one action run of `type` to `target`; returns the run's key.
  std::string AddRun(const std::string& type, const std::string& target) {
    auto obs = testing::InsertObservation(store_.get(), task_, vehicle_.id, clock_.NowMs());
    store::AssessmentRecord a;
    a.id = NewUuid();
    a.observation_id = obs.id;
    a.task_id = task_.id;
    a.outcome = "finding";
    a.reason = "test";
    a.created_ms = clock_.NowMs();
    ActionRunRecord run;
    run.id = NewUuid();
    run.assessment_id = a.id;
    run.task_id = task_.id;
    run.type = type;
    run.target = target;
    run.idempotency_key = a.id + ":0";
    run.payload = {{"assessment_id", a.id}, {"outcome", "finding"}, {"idempotency_key", run.idempotency_key}};
    run.next_attempt_ms = clock_.NowMs();
    run.created_ms = run.updated_ms = clock_.NowMs();
    EXPECT_TRUE(store_->RecordAssessment(obs.id, {}, a, {run}).ok());
    return run.idempotency_key;
  }

  ActionRunRecord OnlyRun() {
    auto runs = store_->ListActionRuns(std::nullopt, 10);
    EXPECT_TRUE(runs.ok());
    EXPECT_EQ(runs->size(), 1u);
    return runs->empty() ? ActionRunRecord{} : runs->front();
  }

  std::unique_ptr<Dispatcher> MakeDispatcher(DispatcherOptions o = {}) {
    auto d = std::make_unique<Dispatcher>(store_.get(), &clock_, o);
    d->Register("log", NewLogAction());
    d->Register("webhook", NewWebhookAction(
                               [](const ActionRunRecord&) { return std::string("s3cret"); }, 2000));
    return d;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  tasks::Task task_;
  store::Vehicle vehicle_;
};

TEST_F(DispatcherTest, WebhookRetriedAfter500DeliversOnceWithValidSignature) {
  Receiver rx;
  rx.statuses = {500};
  rx.Start();
  const std::string key = AddRun("webhook", rx.Url());
  auto d = MakeDispatcher();

  auto n = d->RunDue();
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1);
  ActionRunRecord run = OnlyRun();
  EXPECT_EQ(run.status, ActionStatus::kPending);
  EXPECT_EQ(run.attempts, 1);
  EXPECT_EQ(run.last_error, "HTTP 500");
  // Backoff: 500 ms ± 25%.
  EXPECT_GE(run.next_attempt_ms, clock_.NowMs() + 375);
  EXPECT_LE(run.next_attempt_ms, clock_.NowMs() + 625);

  // Not due yet: nothing happens.
  ASSERT_EQ(*d->RunDue(), 0);
  clock_.Advance(700);
  n = d->RunDue();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  run = OnlyRun();
  EXPECT_EQ(run.status, ActionStatus::kSucceeded);
  EXPECT_EQ(run.attempts, 2);
  ASSERT_EQ(run.attempt_log.size(), 2u);
  EXPECT_EQ(run.attempt_log[0]["status_code"], 500);
  EXPECT_EQ(run.attempt_log[0]["error"], "HTTP 500");
  EXPECT_EQ(run.attempt_log[1]["status_code"], 200);
  EXPECT_EQ(run.attempt_log[1]["error"], "");
  EXPECT_TRUE(run.attempt_log[1]["at"].is_string());

  // Nothing further is due; the receiver saw two deliveries, one of them successful.
  clock_.Advance(3'600'000);
  EXPECT_EQ(*d->RunDue(), 0);
  std::lock_guard<std::mutex> l(rx.mu);
  ASSERT_EQ(rx.requests.size(), 2u);
  for (const auto& req : rx.requests) {
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.Header("idempotency-key"), key);
    EXPECT_NE(req.Header("content-type").find("application/json"), std::string::npos);
    EXPECT_EQ(req.Header("x-tilsyn-signature"), "sha256=" + HmacSha256Hex("s3cret", req.body));
    auto body = ParseJson(req.body);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ((*body)["idempotency_key"], key);
  }
  EXPECT_EQ(rx.requests[0].body, rx.requests[1].body);
}

TEST_F(DispatcherTest, ACloudEventIsSentAsCloudEventsJson) {
  Receiver rx;
  rx.Start();
  AddRun("webhook", rx.Url());
  // Make the stored payload an event, as the pipeline does for format "cloudevents".
  ActionRunRecord run = OnlyRun();
  run.payload = {{"specversion", "1.0"}, {"id", run.idempotency_key}, {"source", "/t"},
                 {"type", "dk.tilsyn.assessment.finding"}, {"data", run.payload}};
  ASSERT_TRUE(store_->UpdateActionRun(run).ok());
  ASSERT_EQ(*MakeDispatcher()->RunDue(), 1);
  std::lock_guard<std::mutex> l(rx.mu);
  ASSERT_EQ(rx.requests.size(), 1u);
  EXPECT_EQ(rx.requests[0].headers["content-type"], "application/cloudevents+json; charset=utf-8");
  EXPECT_EQ(rx.requests[0].headers["x-tilsyn-signature"],
            "sha256=" + HmacSha256Hex("s3cret", rx.requests[0].body));
}

TEST_F(DispatcherTest, ClientErrorIsPermanent) {
  Receiver rx;
  rx.statuses = {404};
  rx.Start();
  AddRun("webhook", rx.Url());
  auto d = MakeDispatcher();
  ASSERT_EQ(*d->RunDue(), 1);
  const ActionRunRecord run = OnlyRun();
  EXPECT_EQ(run.status, ActionStatus::kFailed);
  EXPECT_EQ(run.attempts, 1);
  EXPECT_EQ(run.attempt_log[0]["status_code"], 404);
}

TEST_F(DispatcherTest, TooManyRequestsIsRetried) {
  Receiver rx;
  rx.statuses = {429};
  rx.Start();
  AddRun("webhook", rx.Url());
  auto d = MakeDispatcher();
  ASSERT_EQ(*d->RunDue(), 1);
  EXPECT_EQ(OnlyRun().status, ActionStatus::kPending);
}

// Found from outside: a receiver down for minutes lost deliveries after 6 attempts (~15 s). A
// transient failure is now retried for as long as it lasts, at most max_backoff_ms apart.
TEST_F(DispatcherTest, AReceiverDownForHoursGetsTheDeliveryWhenItIsBack) {
  Receiver rx;
  rx.statuses.assign(40, 503);  // 40 failed deliveries, then 200
  rx.Start();
  AddRun("webhook", rx.Url());
  DispatcherOptions o;  // defaults: no bound on transient failures
  auto d = MakeDispatcher(o);
  int64_t waited = 0;
  int64_t longest_gap = 0;
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(*d->RunDue(), 1) << "attempt " << i;
    const ActionRunRecord run = OnlyRun();
    ASSERT_EQ(run.status, ActionStatus::kPending) << "attempt " << i;
    const int64_t gap = run.next_attempt_ms - clock_.NowMs();
    longest_gap = std::max(longest_gap, gap);
    waited += gap;
    clock_.Advance(gap);
  }
  EXPECT_GT(waited, 20 * 60'000) << "the outage lasted more than 20 minutes";
  EXPECT_LE(longest_gap, o.max_backoff_ms * 5 / 4) << "the cap (with jitter) holds";
  ASSERT_EQ(*d->RunDue(), 1);
  const ActionRunRecord run = OnlyRun();
  EXPECT_EQ(run.status, ActionStatus::kSucceeded);
  EXPECT_EQ(run.attempts, 41);
  EXPECT_EQ(run.attempt_log.size(), 41u);
  std::lock_guard<std::mutex> l(rx.mu);
  EXPECT_EQ(rx.requests.size(), 41u);
  for (const auto& req : rx.requests) EXPECT_EQ(req.headers.at("idempotency-key"), run.idempotency_key);
}

TEST_F(DispatcherTest, AnOperatorPutsAFailedRunBack) {
  Receiver rx;
  rx.statuses = {404};  // then 200
  rx.Start();
  AddRun("webhook", rx.Url());
  auto d = MakeDispatcher();
  ASSERT_EQ(*d->RunDue(), 1);
  ActionRunRecord run = OnlyRun();
  ASSERT_EQ(run.status, ActionStatus::kFailed);
  ASSERT_TRUE(RetryFailedActionRun(store_.get(), run.id, clock_.NowMs()).ok());
  ASSERT_EQ(*d->RunDue(), 1);
  run = OnlyRun();
  EXPECT_EQ(run.status, ActionStatus::kSucceeded);
  EXPECT_EQ(run.attempts, 2);
  EXPECT_EQ(RetryFailedActionRun(store_.get(), run.id, clock_.NowMs()).code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(RetryFailedActionRun(store_.get(), "nope", clock_.NowMs()).code(), Code::kNotFound);
}

TEST_F(DispatcherTest, AConfiguredBoundEndsTransientRetriesWithGrowingBackoff) {
  // Nothing listens on this port (reserved by binding, then closed).
  std::string url;
  {
    Receiver rx;
    rx.Start();
    url = rx.Url();
  }
  AddRun("webhook", url);
  DispatcherOptions o;
  o.max_attempts = 3;
  o.base_backoff_ms = 1000;
  auto d = MakeDispatcher(o);
  int64_t last_gap = 0;
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(*d->RunDue(), 1) << "attempt " << i;
    const ActionRunRecord run = OnlyRun();
    if (i < 2) {
      EXPECT_EQ(run.status, ActionStatus::kPending);
      const int64_t gap = run.next_attempt_ms - clock_.NowMs();
      EXPECT_GT(gap, last_gap);  // 1000±25% then 2000±25%
      last_gap = gap;
      clock_.Advance(gap);
    } else {
      EXPECT_EQ(run.status, ActionStatus::kFailed);
      EXPECT_EQ(run.attempts, 3);
      EXPECT_EQ(run.attempt_log.size(), 3u);
      EXPECT_FALSE(run.last_error.empty());
    }
  }
  clock_.Advance(10'000'000);
  EXPECT_EQ(*d->RunDue(), 0);
}

TEST_F(DispatcherTest, LogActionSucceedsAtOnce) {
  AddRun("log", "");
  auto d = MakeDispatcher();
  ASSERT_EQ(*d->RunDue(), 1);
  const ActionRunRecord run = OnlyRun();
  EXPECT_EQ(run.status, ActionStatus::kSucceeded);
  EXPECT_EQ(run.attempts, 1);
  EXPECT_EQ(run.attempt_log[0]["status_code"], 0);
}

// Found from outside: after a kill while the receiver answered, deliveries were duplicated and
// the attempt log showed one attempt. The attempt is now in the store before it is made, so a
// crash mid-attempt leaves it visible, and the run is retried only after its backoff.
TEST_F(DispatcherTest, TheAttemptIsRecordedBeforeItIsMade) {
  class Probe : public Action {
   public:
    explicit Probe(store::Store* s) : store_(s) {}
    AttemptResult Attempt(const ActionRunRecord& run) override {
      auto runs = store_->ListActionRuns(std::nullopt, 10);
      seen = runs.ok() && runs->size() == 1 ? runs->front() : ActionRunRecord{};
      return {};
    }
    store::Store* store_;
    ActionRunRecord seen;
  };
  const std::string key = AddRun("probe", "");
  auto d = std::make_unique<Dispatcher>(store_.get(), &clock_, DispatcherOptions{});
  auto probe = std::make_unique<Probe>(store_.get());
  Probe* p = probe.get();
  d->Register("probe", std::move(probe));
  ASSERT_EQ(*d->RunDue(), 1);
  // What a crash at that moment would have left behind:
  EXPECT_EQ(p->seen.attempts, 1);
  ASSERT_EQ(p->seen.attempt_log.size(), 1u);
  EXPECT_EQ(p->seen.attempt_log[0]["state"], "started");
  EXPECT_EQ(p->seen.attempt_log[0]["idempotency_key"], key);
  EXPECT_EQ(p->seen.status, ActionStatus::kPending);
  EXPECT_GT(p->seen.next_attempt_ms, clock_.NowMs()) << "not due again at once after a crash";
  // And once it answered:
  const ActionRunRecord run = OnlyRun();
  EXPECT_EQ(run.status, ActionStatus::kSucceeded);
  EXPECT_EQ(run.attempt_log[0]["state"], "succeeded");
  EXPECT_TRUE(run.attempt_log[0].contains("finished_at"));
}

TEST_F(DispatcherTest, UnknownTypeFailsPermanently) {
  AddRun("carrier-pigeon", "");
  auto d = MakeDispatcher();
  ASSERT_EQ(*d->RunDue(), 1);
  const ActionRunRecord run = OnlyRun();
  EXPECT_EQ(run.status, ActionStatus::kFailed);
  EXPECT_NE(run.last_error.find("carrier-pigeon"), std::string::npos);
}

TEST(WebhookAction, NonHttpTargetIsPermanentFailure) {
  auto a = NewWebhookAction([](const ActionRunRecord&) { return std::string("k"); }, 1000);
  ActionRunRecord run;
  run.target = "file:///etc/passwd";
  const AttemptResult r = a->Attempt(run);
  EXPECT_FALSE(r.error.empty());
  EXPECT_FALSE(r.retryable);
}

}  // namespace
}  // namespace tilsyn::actions
