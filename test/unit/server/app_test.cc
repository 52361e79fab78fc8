// The real App on port 0 driven through the HTTP client: wiring, body limit and a whole
// upload → pipeline → assessment pass.
#include "server/app.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <opencv2/core.hpp>
#include <thread>

#include "core/ids.h"
#include "core/time_format.h"
#include "coverage/coverage_cli.h"
#include "coverage/history/dir_position_history.h"
#include "fakes/test_paths.h"
#include "imaging/anonymizer.h"
#include "imaging/jpeg.h"
#include "net/http_client.h"
#include "net/multipart.h"

namespace tilsyn::server {
namespace {

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(imaging::CascadeAnonymizerOptions().cascade_dir)) {
      GTEST_SKIP() << "opencv-data cascades are not installed";
    }
    ServerConfig config;
    config.port = 0;
    config.data_dir = dir_.Sub("data");
    config.max_body_bytes = 256 * 1024;
    config.pipeline_poll_ms = 20;
    config.dev_generate_key = true;
    auto app = StartApp(config, SystemClock::Get());
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(app).value();
    auto t = IssueToken(app_->store(), "admin", "root", SystemClock::Get());
    ASSERT_TRUE(t.ok());
    admin_ = *t;
  }
  void TearDown() override {
    if (app_) app_->Stop();
  }

  net::ClientResponse Send(const std::string& method, const std::string& path,
                           const std::string& token, const std::string& body = "",
                           const std::string& content_type = "application/json") {
    net::ClientRequest req;
    req.method = method;
    req.url = app_->base_url() + path;
    if (!token.empty()) req.headers.push_back({"Authorization", "Bearer " + token});
    if (!body.empty()) req.headers.push_back({"Content-Type", content_type});
    req.body = body;
    auto r = net::Fetch(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : net::ClientResponse{};
  }
  static Json J(const net::ClientResponse& r) { return Json::parse(r.body, nullptr, false); }

  tilsyn::testing::TempDir dir_;
  std::unique_ptr<App> app_;
  std::string admin_;
};

TEST_F(AppTest, ServesHealthAndOpenApiOnLoopback) {
  EXPECT_EQ(app_->base_url(), "http://127.0.0.1:" + std::to_string(app_->port()));
  auto h = Send("GET", "/healthz", "");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(J(h)["status"], "ok");
  auto doc = Send("GET", "/api/v1/openapi.json", "");
  EXPECT_EQ(J(doc)["openapi"], "3.0.3");
  EXPECT_EQ(Send("GET", "/api/v1/nothing", "").status, 404);
  EXPECT_EQ(Send("DELETE", "/api/v1/tasks", admin_).status, 405);
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("data") + "/tilsyn.db"));
}

TEST_F(AppTest, UploadFlowsThroughThePipelineAndOversizeIs413) {
  // Task valid around now, a 100 m circle.
  Json task = {
      {"title", "Bench at the square"},
      {"kind", "presence"},
      {"targets", {{{"label", "person"}, {"min_confidence", 0.5}}}},
      {"area", {{"type", "Point"}, {"coordinates", {12.5683, 55.6761}}, {"radius_m", 100}}},
      {"schedule",
       {{"valid_from", FormatIso8601(SystemClock::Get()->NowMs() - 86'400'000)},
        {"valid_to", FormatIso8601(SystemClock::Get()->NowMs() + 86'400'000)}}},
      {"actions", {{{"type", "log"}, {"on", {"ok", "finding", "inconclusive"}}}}}};
  auto created = Send("POST", "/api/v1/tasks", admin_, task.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  std::string task_id = J(created)["id"];
  ASSERT_EQ(Send("POST", "/api/v1/tasks/" + task_id + "/activate", admin_).status, 200);

  auto vehicle = Send("POST", "/api/v1/vehicles", admin_, Json{{"name", "v"}}.dump());
  ASSERT_EQ(vehicle.status, 201);
  auto token =
      Send("POST", "/api/v1/vehicles/" + J(vehicle)["id"].get<std::string>() + "/token", admin_);
  std::string vtoken = J(token)["token"];

  auto jobs = Send("GET", "/api/v1/jobs?since=0", vtoken);
  ASSERT_EQ(J(jobs)["jobs"].size(), 1u);

  cv::Mat img(240, 320, CV_8UC3, cv::Scalar(90, 100, 110));
  std::string jpeg = *imaging::EncodeJpeg(img);
  std::string obs_id = NewUuid();
  Json meta = {{"id", obs_id},
               {"job_id", task_id},
               {"captured_at", FormatIso8601(SystemClock::Get()->NowMs() - 1000)},
               {"lat", 55.6761},
               {"lon", 12.5683}};
  std::string body = net::BuildMultipart(
      {{"metadata", "", "application/json", meta.dump()}, {"image", "o.jpg", "image/jpeg", jpeg}},
      "XyZ");
  auto up = Send("POST", "/api/v1/observations", vtoken, body, "multipart/form-data; boundary=XyZ");
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(Send("POST", "/api/v1/observations", vtoken, body, "multipart/form-data; boundary=XyZ")
                .status,
            200);

  // The worker may get there first (then its lease keeps a synchronous pass off the
  // observation until it is done): passes until it is assessed, with slack for a loaded machine.
  auto obs = Send("GET", "/api/v1/observations/" + obs_id, admin_);
  for (int i = 0; i < 600 && (J(obs)["state"] == "received" || J(obs)["state"] == "stored"); ++i) {
    ASSERT_TRUE(app_->RunPipelineOnceForTest().ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    obs = Send("GET", "/api/v1/observations/" + obs_id, admin_);
  }
  ASSERT_EQ(obs.status, 200);
  EXPECT_NE(J(obs)["state"], "stored") << obs.body;
  EXPECT_NE(J(obs)["state"], "received") << obs.body;
  auto list = Send("GET", "/api/v1/assessments?task_id=" + task_id, admin_);
  ASSERT_EQ(J(list)["assessments"].size(), 1u) << list.body;
  auto summary = Send("GET", "/api/v1/summary", admin_);
  EXPECT_EQ(J(summary)["assessments"]["finding"].get<int>() +
                J(summary)["assessments"]["ok"].get<int>() +
                J(summary)["assessments"]["inconclusive"].get<int>(),
            1);

  // Over the configured body limit.
  std::string big =
      net::BuildMultipart({{"metadata", "", "application/json", meta.dump()},
                           {"image", "o.jpg", "image/jpeg", std::string(300 * 1024, 'x')}},
                          "XyZ");
  auto too_big =
      Send("POST", "/api/v1/observations", vtoken, big, "multipart/form-data; boundary=XyZ");
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(J(too_big)["error"]["code"], "payload_too_large");
}

// Found from outside: a 100,000-vertex task area took 22 s to accept, and every other user's
// requests (even GET /api/v1/me) waited 17–27 s meanwhile. Now the area is refused (vertex
// limit) and other callers are served while the big body is read and parsed.
TEST(AppLimits, AHugePolygonIsRefusedWhileOtherCallersAreServed) {
  if (!std::filesystem::exists(imaging::CascadeAnonymizerOptions().cascade_dir)) {
    GTEST_SKIP() << "opencv-data cascades are not installed";
  }
  tilsyn::testing::TempDir dir;
  ServerConfig config;
  config.port = 0;
  config.data_dir = dir.Sub("data");
  config.dev_generate_key = true;
  config.max_body_bytes = 16u << 20;
  config.rate_limit_per_minute = 0;  // the other caller asks as fast as it can: no rate limit here
  auto app = StartApp(config, SystemClock::Get());
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  const std::string inspector =
      IssueToken((*app)->store(), "inspector", "ivan", SystemClock::Get()).value();
  const std::string other = IssueToken((*app)->store(), "dpo", "dora", SystemClock::Get()).value();
  Json ring = Json::array();
  for (int i = 0; i < 100'000; ++i) {
    const double a = 2 * M_PI * i / 100'000;
    ring.push_back({12.5683 + 0.01 * std::cos(a), 55.6761 + 0.006 * std::sin(a)});
  }
  ring.push_back(ring[0]);
  Json task = {
      {"title", "Huge"},
      {"kind", "presence"},
      {"targets", {{{"label", "person"}}}},
      {"area", {{"type", "Polygon"}, {"coordinates", {ring}}}},
      {"schedule", {{"valid_from", "2026-01-01T00:00:00Z"}, {"valid_to", "2030-01-01T00:00:00Z"}}}};
  const std::string body = task.dump();
  auto send = [&](const std::string& method, const std::string& path, const std::string& token,
                  const std::string& b) {
    net::ClientRequest req;
    req.method = method;
    req.url = (*app)->base_url() + path;
    req.headers.push_back({"Authorization", "Bearer " + token});
    if (!b.empty()) req.headers.push_back({"Content-Type", "application/json"});
    req.body = b;
    req.timeout_ms = 60'000;
    return net::Fetch(req);
  };
  std::atomic<bool> done{false};
  Result<net::ClientResponse> big = Status::Internal("not sent");
  std::thread poster([&] {
    big = send("POST", "/api/v1/tasks", inspector, body);
    done = true;
  });
  std::vector<double> ms;
  bool all_ok = true;
  while (!done || ms.empty()) {
    const auto t0 = std::chrono::steady_clock::now();
    auto me = send("GET", "/api/v1/me", other, "");
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    all_ok = all_ok && me.ok() && me->status == 200;
  }
  poster.join();
  EXPECT_TRUE(all_ok) << "every GET /api/v1/me answered 200";
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->status, 400) << big->body.substr(0, 300);
  EXPECT_EQ(Json::parse(big->body)["error"]["field"], "area.coordinates");
  // The median of the other caller's requests meanwhile (one request can meet a busy core on a
  // loaded 2-core machine; before the fix every one took seconds).
  std::sort(ms.begin(), ms.end());
  EXPECT_LT(ms[ms.size() / 2], 100.0) << ms.size() << " requests, slowest " << ms.back() << " ms";
  (*app)->Stop();
}

TEST(StartApp, InvalidConfigIsRefused) {
  ServerConfig config;
  config.http_threads = 0;
  auto app = StartApp(config, SystemClock::Get());
  EXPECT_EQ(app.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(app.status().field(), "http_threads");
}

// A server on any free port in `dir` with the given role.
ServerConfig RoleConfig(const ::tilsyn::testing::TempDir& dir, const std::string& role) {
  ServerConfig config;
  config.port = 0;
  config.data_dir = dir.Sub("data");
  config.dev_generate_key = true;
  config.role = role;
  return config;
}

// `--role worker`: the pipeline's loops; its port answers health checks and nothing else.
TEST(AppRoles, AWorkersPortAnswersOnlyHealthChecks) {
  ::tilsyn::testing::TempDir dir;
  ServerConfig config = RoleConfig(dir, "worker");
  auto app = StartApp(config, SystemClock::Get());
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  auto admin = IssueToken((*app)->store(), "admin", "root", SystemClock::Get());
  ASSERT_TRUE(admin.ok());
  auto get = [&](const std::string& path) {
    net::ClientRequest req;
    req.method = "GET";
    req.url = (*app)->base_url() + path;
    req.headers.push_back({"Authorization", "Bearer " + *admin});
    auto r = net::Fetch(req);
    return r.ok() ? r->status : 0;
  };
  EXPECT_EQ(get("/healthz"), 200);
  EXPECT_EQ(get("/readyz"), 200);
  EXPECT_EQ(get("/api/v1/tasks"), 404);
  EXPECT_EQ(get("/api/v1/me"), 404);
  (*app)->Stop();
}

// Location retention in the running server: GPS history days older than gps_history_days go
// (today's stays), and the processing record says how long location data is kept.
TEST(AppRetention, GpsHistoryPastItsRetentionIsDeleted) {
  if (!std::filesystem::exists(imaging::CascadeAnonymizerOptions().cascade_dir)) {
    GTEST_SKIP() << "opencv-data cascades are not installed";
  }
  ::tilsyn::testing::TempDir dir;
  ServerConfig config = RoleConfig(dir, "all");
  config.gps_history_days = 30;
  config.pipeline_poll_ms = 20;
  const TimeMs now = SystemClock::Get()->NowMs();
  coverage::DirPositionHistory history(coverage::HistoryDir(config.data_dir));
  ASSERT_TRUE(history
                  .Append("bus-7",
                          std::vector<coverage::HistoryFix>{
                              {now - 31 * coverage::kDayMs, {55.67, 12.56}}, {now, {55.67, 12.56}}})
                  .ok());
  ASSERT_EQ(history.Days("bus-7")->size(), 2u);
  auto app = StartApp(config, SystemClock::Get());
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  for (int i = 0; i < 600 && history.Days("bus-7")->size() > 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the first sweep is at start
  }
  EXPECT_EQ(*history.Days("bus-7"), std::vector<int64_t>{coverage::DayOf(now)});
  auto dpo = IssueToken((*app)->store(), "dpo", "dora", SystemClock::Get());
  ASSERT_TRUE(dpo.ok());
  net::ClientRequest req;
  req.method = "GET";
  req.url = (*app)->base_url() + "/api/v1/processing-record";
  req.headers.push_back({"Authorization", "Bearer " + *dpo});
  auto r = net::Fetch(req);
  ASSERT_TRUE(r.ok());
  Json rec = Json::parse(r->body, nullptr, false);
  EXPECT_EQ(rec["location_data"]["gps_history_days"], 30) << r->body;
  EXPECT_EQ(rec["location_data"]["observation_location_days"], 90) << r->body;
  (*app)->Stop();
}

TEST(AppRoles, OnlyKnownRolesStart) {
  ::tilsyn::testing::TempDir dir;
  ServerConfig config = RoleConfig(dir, "both");
  auto app = StartApp(config, SystemClock::Get());
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.status().field(), "role");
  config.role = "api";
  EXPECT_FALSE(config.RunsPipeline());
  config.role = "all";
  EXPECT_TRUE(config.RunsPipeline());
  config.run_pipeline = false;
  EXPECT_FALSE(config.RunsPipeline());
}

}  // namespace
}  // namespace tilsyn::server
