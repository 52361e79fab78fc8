// Router, circuit breaker, configured services and their stats: the "Must show" of issue 5 —
// fallback on low confidence and on failing remote services (HTTP 500, timeout, garbage) with a
// breaker that opens and closes, data terms that keep images away from external services, and
// routing that learns from inspector feedback.
#include "recognition/router.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <random>
#include <thread>

#include "core/file_util.h"
#include "core/ids.h"
#include "fakes/fake_recognizer.h"
#include "fakes/fake_world.h"
#include "fakes/test_paths.h"
#include "imaging/anonymizer.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "recognition/circuit_breaker.h"
#include "recognition/fallback.h"
#include "recognition/service_config.h"
#include "recognition/store_stats.h"

namespace tilsyn::recognition {
namespace {

using testing::FakeRecognizer;

constexpr TimeMs kT0 = 1'700'000'000'000;

cv::Mat Image() { return cv::Mat(120, 160, CV_8UC3, cv::Scalar(90, 120, 150)); }

RecognizeRequest PersonRequest(const std::string& data_class = "internal") {
  RecognizeRequest r;
  r.targets = {{"person", 0.5}};
  r.data_class = data_class;
  return r;
}

// A loopback server whose answer is chosen per call; counts requests.
class FakeRemote {
 public:
  enum class Mode { kGood, kLow, kHttp500, kGarbage, kSlow };
  FakeRemote() {
    net::InitHttpClient();
    auto s = net::StartHttpServer({}, [this](const net::HttpRequest& req) {
      ++requests_;
      last_content_type_ = req.Header("content-type");
      switch (mode_.load()) {
        case Mode::kGood:
          return net::HttpResponse::JsonBody(
              200, Json{{"result",
                         {{"objects",
                           {{{"cls", "pedestrian"}, {"p", 0.93}, {"bbox", {5, 6, 20, 40}}}}}}}});
        case Mode::kLow:
          return net::HttpResponse::JsonBody(
              200, Json{{"result",
                         {{"objects",
                           {{{"cls", "pedestrian"}, {"p", 0.3}, {"bbox", {5, 6, 20, 40}}}}}}}});
        case Mode::kHttp500:
          return net::HttpResponse::JsonBody(500, Json{{"error", "boom"}});
        case Mode::kGarbage: {
          net::HttpResponse r;
          r.content_type = "text/html";
          r.body = "<html>maintenance</html>";
          return r;
        }
        case Mode::kSlow:
          std::this_thread::sleep_for(std::chrono::milliseconds(400));
          return net::HttpResponse::JsonBody(200, Json{{"result", {{"objects", Json::array()}}}});
      }
      return net::HttpResponse::JsonBody(500, Json::object());
    });
    EXPECT_TRUE(s.ok());
    server_ = std::move(*s);
  }
  ~FakeRemote() { server_->Stop(); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/detect";
  }
  void set(Mode m) { mode_ = m; }
  int requests() const { return requests_.load(); }
  std::string last_content_type() const { return last_content_type_; }

 private:
  std::unique_ptr<net::HttpServer> server_;
  std::atomic<Mode> mode_{Mode::kGood};
  std::atomic<int> requests_{0};
  std::string last_content_type_;
};

Json HttpJsonSpec(const std::string& name, const std::string& url, const std::string& terms) {
  return Json{{"name", name},
              {"type", "http-json"},
              {"terms", terms},
              {"timeout_ms", 150},
              {"settings",
               {{"url", url},
                {"labels", {"person"}},
                {"label_map", {{"pedestrian", "person"}}},
                {"auth_header", "Authorization"},
                {"auth_value", "Bearer test-token"},
                {"detections_pointer", "/result/objects"},
                {"label_pointer", "/cls"},
                {"score_pointer", "/p"},
                {"box_pointer", "/bbox"}}}};
}

Result<std::vector<std::shared_ptr<Recognizer>>> Build(const Json& recognizers,
                                                       const Json& routing = nullptr) {
  Registry reg;
  RegisterAllTypes(reg);
  TILSYN_ASSIGN_OR_RETURN(auto config, ParseRecognitionConfig(recognizers, routing, reg));
  return BuildServices(config, reg);
}

// Records `rec` as the assessment of a new observation of `task`.
std::string Record(store::Store* st, const tasks::Task& task, const std::string& vehicle,
                   const Recognition& rec, TimeMs now) {
  store::Observation o = testing::InsertObservation(st, task, vehicle, now);
  std::vector<store::RecognitionRunRecord> runs;
  for (size_t i = 0; i < rec.runs.size(); ++i) {
    store::RecognitionRunRecord r;
    r.observation_id = o.id;
    r.service = rec.runs[i].service;
    r.label = task.targets.front().label;
    r.position = static_cast<int>(i);
    r.started_ms = rec.runs[i].started_ms;
    r.finished_ms = rec.runs[i].finished_ms;
    r.detections = tasks::DetectionsToJson(rec.runs[i].detections);
    r.good_enough = rec.runs[i].good_enough;
    r.error = rec.runs[i].error;
    runs.push_back(r);
  }
  store::AssessmentRecord a;
  a.id = NewUuid();
  a.observation_id = o.id;
  a.task_id = task.id;
  a.outcome = rec.good_enough ? "finding" : "inconclusive";
  a.created_ms = now;
  EXPECT_TRUE(st->RecordAssessment(o.id, runs, a, {}).ok());
  return a.id;
}

const store::ServiceStats* Find(const std::vector<store::ServiceStats>& all,
                                const std::string& service) {
  for (const auto& s : all) {
    if (s.service == service) return &s;
  }
  return nullptr;
}

// ---------------------------------------------------------------- circuit breaker

TEST(CircuitBreakerTest, OpensAfterNFailuresAndHalfOpensAfterCooldown) {
  CircuitBreaker b({3, 1000});
  EXPECT_TRUE(b.Allow(0));
  b.RecordFailure(0);
  b.RecordFailure(0);
  EXPECT_EQ(b.state(0), CircuitBreaker::State::kClosed);
  b.RecordFailure(10);
  EXPECT_EQ(b.state(10), CircuitBreaker::State::kOpen);
  EXPECT_FALSE(b.Allow(999));
  EXPECT_TRUE(b.Allow(1010));   // half-open: one trial
  EXPECT_FALSE(b.Allow(1010));  // no second trial while the first is out
  b.RecordFailure(1010);        // trial failed: open again for a full cool-down
  EXPECT_FALSE(b.Allow(2009));
  EXPECT_TRUE(b.Allow(2010));
  b.RecordSuccess();
  EXPECT_EQ(b.state(2010), CircuitBreaker::State::kClosed);
  EXPECT_TRUE(b.Allow(2010));
}

// ---------------------------------------------------------------- configuration

TEST(ServiceConfigTest, UnknownTypeFailsNamingTheField) {
  Json list = Json::array({Json{{"name", "a"}, {"type", "hog-person"}},
                           Json{{"name", "b"}, {"type", "hog-person"}},
                           Json{{"name", "c"}, {"type", "yolo-magic"}}});
  auto r = Build(list);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "recognizers[2].type");
  EXPECT_NE(r.status().message().find("yolo-magic"), std::string::npos);
}

TEST(ServiceConfigTest, BadSettingsFailNamingTheNestedField) {
  Json spec = HttpJsonSpec("vendor", "ftp://nope", "external");
  auto r = Build(Json::array({spec}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "recognizers[0].settings.url");

  Json bad_terms = HttpJsonSpec("vendor", "http://127.0.0.1:1/x", "abroad");
  EXPECT_EQ(Build(Json::array({bad_terms})).status().field(), "recognizers[0].terms");
  Json bad_threshold = HttpJsonSpec("vendor", "http://127.0.0.1:1/x", "external");
  bad_threshold["thresholds"] = {{"person", 1.5}};
  EXPECT_EQ(Build(Json::array({bad_threshold})).status().field(),
            "recognizers[0].thresholds.person");
  EXPECT_EQ(Build(nullptr, Json{{"epsilon", 2}}).status().field(), "routing.epsilon");
  Json dup = Json::array(
      {Json{{"name", "a"}, {"type", "hog-person"}}, Json{{"name", "a"}, {"type", "hog-person"}}});
  EXPECT_EQ(Build(dup).status().field(), "recognizers[1].name");
}

TEST(ServiceConfigTest, DefaultIsTheBuiltInsInFixedOrder) {
  auto services = Build(nullptr);
  ASSERT_TRUE(services.ok()) << services.status().ToString();
  const bool pack = !imaging::FindDefaultModelPack().empty();
  ASSERT_EQ(services->size(), pack ? 5u : 4u);
  EXPECT_EQ((*services)[0]->info().name, "hog-person");
  EXPECT_EQ((*services)[1]->info().name, "cascade-fullbody");
  EXPECT_EQ((*services)[2]->info().name, "ocr");
  EXPECT_EQ((*services)[3]->info().name, "change");
  if (pack) {
    EXPECT_EQ((*services)[4]->info().name, "street");
    const auto& labels = (*services)[4]->info().labels;
    EXPECT_NE(std::find(labels.begin(), labels.end(), "vehicle"), labels.end());
  }
}

// An anonymization model with a person class (anonymizer v2.2: people whose heads it blurred)
// serves person tasks as "persons", reporting persons only; the committed two-class pack adds none.
TEST(ServiceConfigTest, AnAnonymizationModelWithPersonsServesPersonTasks) {
  const std::string shared = ::tilsyn::testing::SharedDir();
  if (shared.empty() || !std::filesystem::exists(shared + "/models/yolo-fastest-1.1")) {
    GTEST_SKIP() << "../shared/models/yolo-fastest-1.1 absent";
  }
  ::tilsyn::testing::TempDir dir;
  const std::string yf = shared + "/models/yolo-fastest-1.1/yolo-fastest-1.1";
  std::filesystem::create_symlink(yf + ".cfg", dir.Sub("p.cfg"));
  std::filesystem::create_symlink(yf + ".weights", dir.Sub("p.weights"));
  std::filesystem::create_symlink(shared + "/models/yolo-fastest-1.1/coco.names",
                                  dir.Sub("coco.names"));
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("manifest.json"), R"({"models": [{
      "name": "privacy", "file": "p.weights", "config": "p.cfg", "format": "darknet",
      "decoder": "yolo", "labels_file": "coco.names", "purpose": ["anonymization"]}]})")
                  .ok());
  ::setenv("TILSYN_MODEL_DIR", dir.path().c_str(), 1);
  auto services = Build(nullptr);
  ::unsetenv("TILSYN_MODEL_DIR");
  ASSERT_TRUE(services.ok()) << services.status().ToString();
  ASSERT_EQ(services->size(), 5u);  // the four built-ins, then persons (no street model here)
  EXPECT_EQ((*services)[4]->info().name, "persons");
  EXPECT_EQ((*services)[4]->info().labels, std::vector<std::string>{"person"});
  const cv::Mat img = cv::imread("/usr/share/darknet/data/person.jpg", cv::IMREAD_COLOR);
  if (img.empty()) return;
  RecognizeRequest req;
  req.targets = {{"person", 0.5}};
  auto r = (*services)[4]->Recognize(img, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->detections.empty());
  for (const auto& d : r->detections) EXPECT_EQ(d.label, "person");  // not the horse or dog
  // The committed pack's privacy model has no person class: no persons service.
  auto plain = Build(nullptr);
  ASSERT_TRUE(plain.ok());
  for (const auto& s : *plain) EXPECT_NE(s->info().name, "persons");
}

TEST(ServiceConfigTest, ConfigOverridesTermsTimeoutCostAndCalibratesPerLabel) {
  auto inner = std::make_shared<FakeRecognizer>("raw");
  inner->ThenPerson(0.3, /*good_enough=*/false);  // raw 0.3 ≥ this service's threshold 0.25
  ServiceInfo info = inner->info();
  info.name = "calibrated";
  info.terms = DataTerms::kInternal;
  info.thresholds = {{"person", 0.25}};
  auto svc = NewConfiguredService(inner, info);
  EXPECT_EQ(svc->info().terms, DataTerms::kInternal);
  auto r = svc->Recognize(Image(), PersonRequest());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->detections.size(), 1u);
  EXPECT_NEAR(r->detections[0].score, 0.5 + 0.5 * 0.05 / 0.75, 1e-9);
  EXPECT_TRUE(r->good_enough);  // confident by its own calibration
  EXPECT_EQ(r->service, "calibrated");
  EXPECT_DOUBLE_EQ(CalibrateScore(0.125, 0.25), 0.25);
  EXPECT_DOUBLE_EQ(CalibrateScore(1.0, 0.25), 1.0);
}

// ---------------------------------------------------------------- fallback

TEST(RouterFallbackTest, LowConfidenceFromAFallsBackToBAndStatsShowBoth) {
  testing::TempDir dir;
  auto st = store::OpenSqliteStore(dir.Sub("t.db"));
  ASSERT_TRUE(st.ok());
  FakeClock clock(kT0);
  tasks::Task task = testing::ActiveTask(kT0);
  testing::CreateTaskWithJob(st->get(), task);
  store::Vehicle v = testing::MakeVehicle(st->get(), kT0);

  auto a = std::make_shared<FakeRecognizer>("A");
  a->ThenPerson(0.4, /*good_enough=*/false).WithLatency(&clock, 30);
  auto b = std::make_shared<FakeRecognizer>("B");
  b->ThenPerson(0.9, /*good_enough=*/true).WithLatency(&clock, 50);
  RoutingOptions opts;
  opts.learn = false;
  RouterRecognizer router("router", {a, b}, opts, &clock, StoreStatsSource(st->get()));

  auto rec = router.Recognize(Image(), PersonRequest());
  ASSERT_TRUE(rec.ok());
  EXPECT_TRUE(rec->good_enough);
  EXPECT_EQ(rec->service, "B");
  ASSERT_EQ(rec->runs.size(), 2u);
  EXPECT_EQ(a->calls(), 1);
  EXPECT_EQ(b->calls(), 1);
  Record(st->get(), task, v.id, *rec, clock.NowMs());

  auto stats = (*st)->ServiceStatsSummary();
  ASSERT_TRUE(stats.ok());
  const store::ServiceStats* sa = Find(*stats, "A");
  const store::ServiceStats* sb = Find(*stats, "B");
  ASSERT_TRUE(sa && sb);
  EXPECT_EQ(sa->calls, 1);
  EXPECT_EQ(sa->good_enough, 0);
  EXPECT_EQ(sb->calls, 1);
  EXPECT_EQ(sb->good_enough, 1);
  EXPECT_EQ(sb->fallbacks, 1);
  EXPECT_EQ(sa->p50_ms, 30);
  EXPECT_EQ(sb->p50_ms, 50);
}

// A (http-json on a loopback fake) fails in each way in turn; B (local) always answers. Every
// request is answered by B, the breaker opens after 3 failures (A is then not called), and after
// the cool-down a successful trial closes it again.
TEST(RouterFallbackTest, RemoteFailuresFallBackOpenTheBreakerAndItClosesAfterCooldown) {
  testing::TempDir dir;
  auto st = store::OpenSqliteStore(dir.Sub("t.db"));
  ASSERT_TRUE(st.ok());
  tasks::Task task = testing::ActiveTask(kT0);
  task.data_class = "external";
  testing::CreateTaskWithJob(st->get(), task);
  store::Vehicle v = testing::MakeVehicle(st->get(), kT0);

  FakeRemote remote;
  auto services = Build(Json::array({HttpJsonSpec("A", remote.url(), "external")}));
  ASSERT_TRUE(services.ok()) << services.status().ToString();
  auto b = std::make_shared<FakeRecognizer>("B");
  b->ThenPerson(0.9, true);
  FakeClock clock(kT0);
  RoutingOptions opts;
  opts.learn = false;
  opts.breaker = {3, 60'000};
  RouterRecognizer router("router", {(*services)[0], b}, opts, &clock, StoreStatsSource(st->get()));
  RecognizeRequest req = PersonRequest("external");

  // Healthy first: A answers, B is not needed.
  auto ok = router.Recognize(Image(), req);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->service, "A");
  ASSERT_EQ(ok->detections.size(), 1u);
  EXPECT_EQ(ok->detections[0].label, "person");  // mapped from "pedestrian"
  EXPECT_EQ(remote.last_content_type().rfind("multipart/form-data", 0), 0u);
  Record(st->get(), task, v.id, *ok, clock.NowMs());

  int assessed = 1;
  for (FakeRemote::Mode m :
       {FakeRemote::Mode::kHttp500, FakeRemote::Mode::kSlow, FakeRemote::Mode::kGarbage}) {
    remote.set(m);
    auto r = router.Recognize(Image(), req);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->service, "B");
    EXPECT_TRUE(r->good_enough);
    ASSERT_EQ(r->runs.size(), 2u);
    EXPECT_FALSE(r->runs[0].error.empty());
    Record(st->get(), task, v.id, *r, clock.NowMs());
    ++assessed;
  }
  EXPECT_EQ(router.BreakerState("A"), CircuitBreaker::State::kOpen);
  const int before = remote.requests();
  remote.set(FakeRemote::Mode::kGood);
  auto skipped = router.Recognize(Image(), req);
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->service, "B");
  EXPECT_EQ(skipped->runs.size(), 1u);  // A not called while open
  EXPECT_EQ(remote.requests(), before);
  Record(st->get(), task, v.id, *skipped, clock.NowMs());
  ++assessed;

  clock.Advance(60'000);  // cool-down over: the trial call succeeds and closes the breaker
  auto back = router.Recognize(Image(), req);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->service, "A");
  EXPECT_EQ(router.BreakerState("A"), CircuitBreaker::State::kClosed);
  Record(st->get(), task, v.id, *back, clock.NowMs());
  ++assessed;

  // Nothing is lost: every request has its assessment, and the stats count the failures.
  auto counts = (*st)->CountAssessmentsByOutcome();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)["finding"], assessed);
  auto stats = (*st)->ServiceStatsSummary();
  ASSERT_TRUE(stats.ok());
  const store::ServiceStats* sa = Find(*stats, "A");
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(sa->calls, 5);
  EXPECT_EQ(sa->errors, 3);
  EXPECT_EQ(sa->timeouts, 1);
  EXPECT_EQ(Find(*stats, "B")->calls, 4);
}

TEST(RouterFallbackTest, EveryEligibleCircuitOpenIsRetryableNotInconclusive) {
  FakeClock clock(kT0);
  auto a = std::make_shared<FakeRecognizer>("A");
  a->ThenFail(Status::Unavailable("down"));
  RoutingOptions opts;
  opts.breaker = {1, 1000};
  RouterRecognizer router("router", {a}, opts, &clock, nullptr);
  EXPECT_EQ(router.Recognize(Image(), PersonRequest()).status().code(), Code::kUnavailable);
  auto again = router.Recognize(Image(), PersonRequest());
  EXPECT_EQ(again.status().code(), Code::kUnavailable);  // the pipeline retries later
  EXPECT_EQ(a->calls(), 1);
}

// ---------------------------------------------------------------- data terms

TEST(RouterTermsTest, TaskThatForbidsExternalNeverSendsAnImageToAnExternalService) {
  FakeRemote remote;
  auto services = Build(Json::array({HttpJsonSpec("vendor", remote.url(), "external")}));
  ASSERT_TRUE(services.ok());
  auto local = std::make_shared<FakeRecognizer>("local");
  local->ThenPerson(0.2, /*good_enough=*/false);  // never good enough: the walk would go on
  FakeClock clock(kT0);
  RoutingOptions opts;
  opts.epsilon = 1.0;  // maximal exploration: any eligible service may go first
  RouterRecognizer router("router", {(*services)[0], local}, opts, &clock, nullptr);

  for (const char* data_class : {"local", "internal"}) {
    for (int i = 0; i < 20; ++i) {
      auto r = router.Recognize(Image(), PersonRequest(data_class));
      ASSERT_TRUE(r.ok());
      for (const RunResult& run : r->runs) EXPECT_NE(run.service, "vendor");
    }
  }
  EXPECT_EQ(remote.requests(), 0);
  // The same router does use it when the task allows external services (the test can fail).
  auto r = router.Recognize(Image(), PersonRequest("external"));
  ASSERT_TRUE(r.ok());
  EXPECT_GT(remote.requests(), 0);
}

// ---------------------------------------------------------------- learning

// Two services that always claim confidence; inspectors find "sloppy" wrong 40% of the time and
// "careful" 5%. After feedback on 200 assessments, ≥ 80% of new traffic goes to "careful" first.
TEST(RouterLearningTest, InspectorFeedbackSendsTrafficToTheMorePreciseService) {
  testing::TempDir dir;
  auto st = store::OpenSqliteStore(dir.Sub("t.db"));
  ASSERT_TRUE(st.ok());
  FakeClock clock(kT0);
  tasks::Task task = testing::ActiveTask(kT0);
  testing::CreateTaskWithJob(st->get(), task);
  store::Vehicle v = testing::MakeVehicle(st->get(), kT0);

  auto sloppy = std::make_shared<FakeRecognizer>("sloppy");
  sloppy->ThenPerson(0.9, true).WithLatency(&clock, 20);
  auto careful = std::make_shared<FakeRecognizer>("careful");
  careful->ThenPerson(0.9, true).WithLatency(&clock, 25);
  RoutingOptions opts;
  opts.seed = 42;
  opts.epsilon = 0.05;
  opts.refresh_ms = 10'000;
  RouterRecognizer router("router", {sloppy, careful}, opts, &clock, StoreStatsSource(st->get()));

  std::mt19937 truth(7);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 200; ++i) {
    auto rec = router.Recognize(Image(), PersonRequest());
    ASSERT_TRUE(rec.ok());
    const std::string id = Record(st->get(), task, v.id, *rec, clock.NowMs());
    const double wrong_rate = rec->service == "sloppy" ? 0.40 : 0.05;
    auto a = (*st)->GetAssessment(id);
    ASSERT_TRUE(a.ok());
    a->feedback = u(truth) < wrong_rate ? "wrong" : "correct";
    a->satisfaction = a->feedback == "correct" ? 5 : 2;
    a->feedback_by = "inspector";
    ASSERT_TRUE((*st)->UpdateAssessmentFeedback(*a).ok());
    clock.Advance(1000);
  }
  clock.Advance(opts.refresh_ms);
  int first_careful = 0;
  const int kNew = 200;
  for (int i = 0; i < kNew; ++i) {
    auto rec = router.Recognize(Image(), PersonRequest());
    ASSERT_TRUE(rec.ok());
    ASSERT_FALSE(rec->runs.empty());
    if (rec->runs.front().service == "careful") ++first_careful;
  }
  const double share = static_cast<double>(first_careful) / kNew;
  std::cout << "[ router learning ] careful first in " << first_careful << "/" << kNew
            << " new requests (" << share * 100 << "%)\n";
  EXPECT_GE(share, 0.80);

  // Per-task satisfaction reflects the same feedback.
  auto tasks = (*st)->TaskFeedbackSummary();
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].with_feedback, 200);
  EXPECT_EQ((*tasks)[0].rated, 200);
  ASSERT_TRUE((*tasks)[0].satisfaction_mean.has_value());
  EXPECT_GT(*(*tasks)[0].satisfaction_mean, 2.0);
  EXPECT_LT(*(*tasks)[0].satisfaction_mean, 5.0);
}

TEST(RouterLearningTest, StatsAreReadPeriodicallyNotPerCall) {
  FakeClock clock(kT0);
  int reads = 0;
  auto a = std::make_shared<FakeRecognizer>("A");
  a->ThenPerson(0.9, true);
  auto b = std::make_shared<FakeRecognizer>("B");
  b->ThenPerson(0.9, true);
  RoutingOptions opts;
  opts.refresh_ms = 5000;
  RouterRecognizer router("router", {a, b}, opts, &clock,
                          [&reads]() -> Result<std::vector<ServiceLabelStats>> {
                            ++reads;
                            return std::vector<ServiceLabelStats>{};
                          });
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(router.Recognize(Image(), PersonRequest()).ok());
  EXPECT_EQ(reads, 1);
  clock.Advance(5000);
  ASSERT_TRUE(router.Recognize(Image(), PersonRequest()).ok());
  EXPECT_EQ(reads, 2);
}

TEST(RouterLearningTest, ANewServiceGetsSomeTrafficThroughExploration) {
  FakeClock clock(kT0);
  auto veteran = std::make_shared<FakeRecognizer>("veteran");
  veteran->ThenPerson(0.9, true);
  auto rookie = std::make_shared<FakeRecognizer>("rookie");
  rookie->ThenPerson(0.9, true);
  RoutingOptions opts;
  opts.seed = 3;
  RouterRecognizer router("router", {veteran, rookie}, opts, &clock, []() {
    ServiceLabelStats s;
    s.service = "veteran";
    s.label = "person";
    s.calls = s.good_enough = 1000;
    s.feedback_correct = 990;
    s.feedback_wrong = 10;
    return Result<std::vector<ServiceLabelStats>>(std::vector<ServiceLabelStats>{s});
  });
  int rookie_first = 0;
  for (int i = 0; i < 1000; ++i) {
    if (router.Order(PersonRequest()).front() == "rookie") ++rookie_first;
  }
  EXPECT_GT(rookie_first, 5);    // explored
  EXPECT_LT(rookie_first, 150);  // but the proven service keeps most traffic
}

}  // namespace
}  // namespace tilsyn::recognition
