#include "harness.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/clock.h"
#include "core/file_util.h"
#include "core/ids.h"
#include "demo/frames.h"
#include "demo/route.h"
#include "net/http_client.h"
#include "net/multipart.h"

namespace tilsyn::testing {

std::string RunCapture(const std::vector<std::string>& argv) {
  TempDir out;
  auto c = demo::ChildProcess::Spawn(argv, {}, out.Sub("o"), out.Sub("e"));
  EXPECT_TRUE(c.ok());
  if (!c.ok()) return "";
  EXPECT_EQ(c->Wait(), 0) << ReadFile(out.Sub("e")).value_or("");
  std::string s = ReadFile(out.Sub("o")).value_or("");
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

bool WaitHealthy(const std::string& base, int timeout_s) {
  for (int i = 0; i < timeout_s * 20; ++i) {
    auto r = net::Fetch({"GET", base + "/healthz", {}, "", 500});
    if (r.ok() && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

DriveFiles WriteDrivePast(const TempDir& dir, const std::string& name, geo::LatLon from,
                          geo::LatLon site, TimeMs start) {
  DriveFiles d;
  d.gps = dir.Sub(name + ".nmea");
  EXPECT_TRUE(demo::WriteNmea(
                  d.gps, demo::SampleRoute({from, geo::Offset(from, 90, 200)}, 20, start, 0.5, 5))
                  .ok());
  d.camera = dir.Sub(name + "-camera");
  EXPECT_TRUE(MakeDirs(d.camera).ok());
  auto frame = demo::FrameFor(demo::Scene::kNoPerson, 0, dir.Sub("gen"));
  EXPECT_TRUE(frame.ok());
  if (frame.ok()) {
    EXPECT_TRUE(WriteFileAtomic(d.camera + "/index.csv",
                                "lat,lon,file,frame\n" + std::to_string(site.lat) + "," +
                                    std::to_string(site.lon) + "," + frame->file + ",-1\n")
                    .ok());
  }
  return d;
}

Result<int> UploadObservation(const std::string& base, const std::string& token,
                              const Json& metadata, const std::string& jpeg, int timeout_ms) {
  const std::string boundary = "b" + NewUuid();
  net::ClientRequest req{"POST",
                         base + "/api/v1/observations",
                         {{"Authorization", "Bearer " + token},
                          {"Content-Type", "multipart/form-data; boundary=" + boundary}},
                         net::BuildMultipart({{"metadata", "", "application/json", metadata.dump()},
                                              {"image", "i.jpg", "image/jpeg", jpeg}},
                                             boundary),
                         timeout_ms};
  TILSYN_ASSIGN_OR_RETURN(net::ClientResponse r, net::Fetch(req));
  return r.status;
}

ChainHarness::ChainHarness(ChainOptions options) : options_(options) {
  net::InitHttpClient();
  server::ServerConfig cfg;
  net::TlsTrust trust;
  if (options_.tls) {
    const std::string tls_dir = dir_.Sub("tls");
    EXPECT_TRUE(MakeDirs(tls_dir).ok());
    if (!MakeTestCerts(tls_dir, &certs_)) {
      certs_ = {};
      return;  // tls_ready() is false: the test skips
    }
    cfg.tls_cert = certs_.server_cert;
    cfg.tls_key = certs_.server_key;
    if (options_.vehicle_certs) cfg.tls_client_ca = certs_.ca;
    trust.ca_file = certs_.ca;
  }
  cfg.listen = "127.0.0.1";
  cfg.port = 0;
  cfg.data_dir = dir_.Sub("server");
  cfg.pipeline_poll_ms = 100;
  cfg.action_base_backoff_ms = 100;
  cfg.dev_generate_key = true;
  cfg.coverage_top_k = options_.coverage_top_k;
  cfg.visit_check_s = options_.visit_check_s;
  if (!options_.pipeline) {
    cfg.run_pipeline = false;
    cfg.anonymize_uploads = "worker";
  }
  auto app = server::StartApp(cfg, SystemClock::Get());
  if (!app.ok()) {
    ADD_FAILURE() << "server: " << app.status().ToString();
    return;
  }
  app_ = std::move(*app);
  auto token = server::IssueToken(app_->store(), "admin", "test-admin", SystemClock::Get());
  EXPECT_TRUE(token.ok());
  api_ = std::make_unique<demo::ApiClient>(app_->base_url(), token.value_or(""), trust);
  auto hook = demo::WebhookReceiver::Start("test-secret", /*fail_first_delivery=*/true);
  EXPECT_TRUE(hook.ok());
  if (hook.ok()) hook_ = std::move(*hook);
}

ChainHarness::~ChainHarness() {
  if (hook_) hook_->Stop();
  if (app_) app_->Stop();
}

std::string ChainHarness::CreateActiveTask(const Json& task) {
  auto t = api_->Post("/api/v1/tasks", task);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  if (!t.ok()) return "";
  std::string id = (*t)["id"];
  auto a = api_->Post("/api/v1/tasks/" + id + "/activate", Json::object());
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  return id;
}

VehicleCreds ChainHarness::RegisterVehicle(const std::string& name) {
  auto v =
      api_->Post("/api/v1/vehicles", {{"name", name}, {"kind", "sweeper"}, {"lane", "roadway"}});
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  if (!v.ok()) return {};
  std::string id = (*v)["id"];
  auto t = api_->Post("/api/v1/vehicles/" + id + "/token", Json::object());
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return {id, t.ok() ? (*t)["token"].get<std::string>() : ""};
}

demo::ChildProcess ChainHarness::StartAgent(const VehicleCreds& v, const std::string& data_dir,
                                            const std::string& gps, const std::string& camera_dir,
                                            const std::string& server_url,
                                            const std::string& ca_file,
                                            const std::vector<std::string>& extra) {
  std::string url = server_url.empty() ? app_->base_url() : server_url;
  std::vector<std::string> args = {BinDir() + "/tilsyn-agent",
                                   "--server",
                                   url,
                                   "--data-dir",
                                   data_dir,
                                   "--gps",
                                   gps,
                                   "--camera-dir",
                                   camera_dir,
                                   "--speed",
                                   "0"};
  if (options_.tls) {
    args.insert(args.end(), {"--ca-file", ca_file.empty() ? certs_.ca : ca_file});
  }
  if (options_.vehicle_certs) {
    const std::string tls_dir = dir_.Sub("tls");
    EXPECT_TRUE(MakeTestClientCert(tls_dir, "vehicle-" + v.id, v.id));
    args.insert(args.end(), {"--tls-client-cert", tls_dir + "/vehicle-" + v.id + ".pem",
                             "--tls-client-key", tls_dir + "/vehicle-" + v.id + ".key"});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  auto child = demo::ChildProcess::Spawn(args, {{"TILSYN_AGENT_TOKEN", v.token}}, data_dir + ".out",
                                         data_dir + ".log");
  EXPECT_TRUE(child.ok()) << child.status().ToString();
  return child.ok() ? std::move(*child) : demo::ChildProcess();
}

bool ChainHarness::WaitDrained(int timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    auto obs = store().CountObservationsByState();
    auto acts = store().ListActionRuns(std::nullopt, 100000);
    if (obs.ok() && acts.ok()) {
      auto n = [&](const char* k) { return obs->count(k) ? obs->at(k) : 0; };
      bool busy = n("received") > 0 || n("stored") > 0 || n("assessed") > 0;
      for (const auto& a : *acts) busy = busy || a.status == store::ActionStatus::kPending;
      if (!busy) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace tilsyn::testing
