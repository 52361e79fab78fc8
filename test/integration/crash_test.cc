// Crash safety: an agent killed with SIGKILL in the middle of an upload loses and duplicates
// nothing after a restart; a server killed in the middle of the pipeline finishes every
// observation after a restart.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/clock.h"
#include "core/file_util.h"
#include "core/ids.h"
#include "core/time_format.h"
#include "harness.h"
#include "imaging/jpeg.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "net/multipart.h"

namespace tilsyn::testing {
namespace {

constexpr geo::LatLon kStart{55.6900, 12.5500};

// Forwards every request to `target`; after forwarding an observation upload it holds the
// response back for `hold_ms` (so the test can kill the agent before it sees the answer).
class SlowProxy {
 public:
  SlowProxy(std::string target, int hold_ms) : target_(std::move(target)), hold_ms_(hold_ms) {
    net::HttpServerOptions o;
    auto s = net::StartHttpServer(o, [this](const net::HttpRequest& r) { return Forward(r); });
    EXPECT_TRUE(s.ok());
    server_ = std::move(*s);
  }
  ~SlowProxy() { server_->Stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  int uploads_forwarded() const { return uploads_.load(); }

 private:
  net::HttpResponse Forward(const net::HttpRequest& r) {
    net::ClientRequest c;
    c.method = r.method;
    c.url = target_ + r.target;
    c.body = r.body;
    for (const char* h : {"authorization", "content-type"}) {
      if (!r.Header(h).empty()) c.headers.push_back({h, r.Header(h)});
    }
    auto resp = net::Fetch(c);
    if (!resp.ok()) return net::HttpResponse::Error(resp.status());
    bool upload = r.method == "POST" && r.path == "/api/v1/observations";
    if (upload) {
      ++uploads_;
      std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms_));
    }
    net::HttpResponse out;
    out.status = resp->status;
    out.body = resp->body;
    return out;
  }
  std::string target_;
  int hold_ms_;
  std::atomic<int> uploads_{0};
  std::unique_ptr<net::HttpServer> server_;
};

TEST(Crash, AgentKilledMidUploadLosesAndDuplicatesNothing) {
  ChainHarness h;
  TimeMs now = SystemClock::Get()->NowMs();
  geo::LatLon a = geo::Offset(kStart, 90, 100), b = geo::Offset(kStart, 90, 300);
  for (geo::LatLon at : {a, b}) {
    h.CreateActiveTask(demo::TaskJson(
        "site", "absence", {{"type", "Point"}, {"coordinates", {at.lon, at.lat}}, {"radius_m", 20}},
        "person", 0.6, now));
  }
  auto fixes = demo::SampleRoute({kStart, geo::Offset(kStart, 90, 400)}, 20, now - 600'000, 0.5, 3);
  std::string gps = h.dir().Sub("drive.nmea");
  ASSERT_TRUE(demo::WriteNmea(gps, fixes).ok());
  std::string cam = h.dir().Sub("camera");
  ASSERT_TRUE(MakeDirs(cam).ok());
  auto frame = demo::FrameFor(demo::Scene::kNoPerson, 0, h.dir().Sub("gen"));
  ASSERT_TRUE(frame.ok());
  ASSERT_TRUE(WriteFileAtomic(cam + "/index.csv", "lat,lon,file,frame\n" + std::to_string(a.lat) +
                                                      "," + std::to_string(a.lon) + "," +
                                                      frame->file + ",-1\n")
                  .ok());
  VehicleCreds v = h.RegisterVehicle("truck-9");
  SlowProxy proxy(h.app().base_url(), 4000);

  // First run: killed while the server has the first upload but the agent has no answer.
  demo::ChildProcess first = h.StartAgent(v, h.dir().Sub("agent"), gps, cam, proxy.url());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (proxy.uploads_forwarded() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(proxy.uploads_forwarded(), 1);
  first.Signal(SIGKILL);
  EXPECT_EQ(first.Wait(), 128 + SIGKILL);

  // Second run, same data folder and trace, straight to the server.
  demo::ChildProcess second = h.StartAgent(v, h.dir().Sub("agent"), gps, cam);
  ASSERT_EQ(second.Wait(), 0) << *ReadFile(h.dir().Sub("agent.log"));
  Json report = ReadAgentReport(h.dir().Sub("agent.out"));
  EXPECT_EQ(report.value("pending", -1), 0) << report.dump();
  ASSERT_TRUE(h.WaitDrained(60));
  auto states = h.store().CountObservationsByState();
  ASSERT_TRUE(states.ok());
  int64_t total = 0;
  for (const auto& [k, n] : *states) total += n;
  EXPECT_EQ(total, 2) << "one observation per pass: nothing lost, nothing duplicated";
  EXPECT_EQ(states->count("done") ? states->at("done") : 0, 2);
}

TEST(Crash, ServerKilledMidPipelineFinishesEveryObservationAfterRestart) {
  net::InitHttpClient();
  TempDir dir;
  std::string data = dir.Sub("server");
  std::string tilsyn = BinDir() + "/tilsyn";
  std::string admin = RunCapture(
      {tilsyn, "admin", "create-token", "--role", "admin", "--subject", "t", "--data-dir", data});
  ASSERT_EQ(admin.size(), 64u) << admin;
  uint16_t port = FreeLoopbackPort();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  // mode 0: API only (uploads stored, not assessed); 1: pipeline that crashes after one
  // assessment; 2: normal.
  auto serve = [&](int mode) {
    std::map<std::string, std::string> env;
    env["TILSYN_IMAGE_KEY"] = std::string(64, '7');  // the same key across restarts
    if (mode == 0) env["TILSYN_RUN_PIPELINE"] = "0";
    if (mode == 1) env["TILSYN_CRASH_AFTER_ASSESSMENTS_FOR_TEST"] = "1";
    std::string n = std::to_string(mode);
    auto c = demo::ChildProcess::Spawn(
        {tilsyn, "serve", "--port", std::to_string(port), "--data-dir", data}, env,
        dir.Sub("s" + n + ".out"), dir.Sub("s" + n + ".log"));
    EXPECT_TRUE(c.ok());
    return std::move(*c);
  };
  demo::ChildProcess server = serve(0);
  ASSERT_TRUE(WaitHealthy(base));
  demo::ApiClient api(base, admin);
  TimeMs now = SystemClock::Get()->NowMs();
  auto task =
      api.Post("/api/v1/tasks",
               demo::TaskJson(
                   "crash site", "absence",
                   {{"type", "Point"}, {"coordinates", {kStart.lon, kStart.lat}}, {"radius_m", 30}},
                   "person", 0.6, now));
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  std::string task_id = (*task)["id"];
  ASSERT_TRUE(api.Post("/api/v1/tasks/" + task_id + "/activate", Json::object()).ok());
  auto veh =
      api.Post("/api/v1/vehicles", {{"name", "v"}, {"kind", "sweeper"}, {"lane", "roadway"}});
  ASSERT_TRUE(veh.ok());
  auto tok =
      api.Post("/api/v1/vehicles/" + (*veh)["id"].get<std::string>() + "/token", Json::object());
  ASSERT_TRUE(tok.ok());
  // Three uploads are stored by an API-only instance; then a pipeline instance dies after the
  // first assessment; a third start must finish the other two (and not redo the first).
  cv::Mat img(240, 320, CV_8UC3, cv::Scalar(90, 120, 150));
  std::string jpeg = *imaging::EncodeJpeg(img);
  int accepted = 0;
  for (int i = 0; i < 3; ++i) {
    Json meta = {{"id", NewUuid()},
                 {"job_id", task_id},
                 {"captured_at", FormatIso8601(now - 1000 * (10 - i))},
                 {"lat", kStart.lat},
                 {"lon", kStart.lon}};
    auto r = UploadObservation(base, (*tok)["token"].get<std::string>(), meta, jpeg);
    if (r.ok() && *r == 201) ++accepted;
  }
  ASSERT_EQ(accepted, 3);
  server.Signal(SIGTERM);
  ASSERT_EQ(server.Wait(), 0);

  demo::ChildProcess crashing = serve(1);
  EXPECT_EQ(crashing.Wait(), 86) << "the crash hook should have stopped the server";
  {
    auto st = store::OpenSqliteStore(data + "/tilsyn.db");
    ASSERT_TRUE(st.ok());
    auto counts = (*st)->CountAssessmentsByOutcome();
    ASSERT_TRUE(counts.ok());
    int64_t n = 0;
    for (const auto& [k, v] : *counts) n += v;
    EXPECT_EQ(n, 1) << "the crash came after exactly one assessment";
  }

  demo::ChildProcess again = serve(2);
  ASSERT_TRUE(WaitHealthy(base));
  Json summary;
  for (int i = 0; i < 200; ++i) {
    auto s = api.Get("/api/v1/summary");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    summary = *s;
    if (summary["observations"].value("done", 0) == accepted) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(summary["observations"].value("done", 0), accepted) << summary.dump();
  int64_t assessed = 0;
  for (auto& [k, v] : summary["assessments"].items()) assessed += v.get<int64_t>();
  EXPECT_EQ(assessed, accepted) << "every observation assessed exactly once";
  again.Signal(SIGTERM);
  EXPECT_EQ(again.Wait(), 0);
}

}  // namespace
}  // namespace tilsyn::testing
