#include "demo/demo.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "core/clock.h"
#include "core/file_util.h"
#include "core/log.h"
#include "demo/api_client.h"
#include "demo/process.h"
#include "demo/scenario.h"
#include "demo/summary.h"
#include "demo/webhook_receiver.h"
#include "net/http_client.h"
#include "server/app.h"

namespace tilsyn::demo {
namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

int Fail(const std::string& what, const Status& st) {
  std::fprintf(stderr, "demo: %s: %s\n", what.c_str(), st.ToString().c_str());
  return 1;
}

// One status line, redrawn in place on a terminal; elsewhere printed only when it changes.
struct Progress {
  bool tty = ::isatty(2);
  std::string last;
  void Show(const std::string& s) {
    if (s == last) return;
    last = s;
    if (tty) {
      std::fprintf(stderr, "\r\033[K%s", s.c_str());
    } else {
      std::fprintf(stderr, "%s\n", s.c_str());
    }
  }
  void Done() {
    if (tty) std::fprintf(stderr, "\n");
  }
};

// True when every observation is done or failed and no action run is pending.
bool Drained(store::Store& st, int64_t* done, int64_t* total) {
  auto obs = st.CountObservationsByState();
  auto acts = st.ListActionRuns(std::nullopt, 100000);
  if (!obs.ok() || !acts.ok()) return false;
  *total = 0;
  *done = 0;
  for (const auto& [k, v] : *obs) {
    *total += v;
    if (k == "done" || k == "failed") *done += v;
  }
  for (const auto& a : *acts) {
    if (a.status == store::ActionStatus::kPending) return false;
  }
  return *done == *total;
}

}  // namespace

int RunDemo(const DemoOptions& options) {
  net::InitHttpClient();
  // Absolute paths: agents run with their own working directory and camera indexes name files.
  DemoOptions o = options;
  std::error_code abs_ec;
  o.data_dir = std::filesystem::absolute(o.data_dir, abs_ec).lexically_normal().string();
  if (!::getenv("TILSYN_LOG_LEVEL")) SetLogLevel(LogLevel::kWarn);
  namespace fs = std::filesystem;
  // Only the demo's own sub-folders are reset, never the folder the user named.
  for (const char* sub : {"server", "agents", "scenario", "logs"}) {
    std::error_code ec;
    fs::remove_all(fs::path(o.data_dir) / sub, ec);
  }
  for (const char* sub : {"server", "agents", "scenario", "logs"}) {
    if (Status st = MakeDirs(o.data_dir + "/" + sub); !st.ok()) return Fail("data dir", st);
  }
  std::string agent_bin = o.agent_binary.empty() ? SelfDir() + "/tilsyn-agent" : o.agent_binary;
  if (!fs::exists(agent_bin)) return Fail("agent", Status::NotFound(agent_bin + " not found"));

  Progress progress;
  progress.Show("demo: starting the server");
  server::ServerConfig cfg;
  cfg.listen = "127.0.0.1";
  cfg.port = o.port ? o.port : (o.serve ? 8080 : 0);
  cfg.data_dir = o.data_dir + "/server";
  cfg.pipeline_poll_ms = 200;
  cfg.action_base_backoff_ms = 300;
  cfg.dev_generate_key = true;  // the demo runs without configuration (docs/privacy.md)
  cfg.database = o.database;
  // The web UI's base map and files as `tilsyn serve` takes them (empty tile URL = offline: the
  // imported street network is the map).
  if (const char* v = ::getenv("TILSYN_TILE_URL")) cfg.tile_url = v;
  if (const char* v = ::getenv("TILSYN_WEB_DIR")) cfg.web_dir = v;
  auto app = server::StartApp(cfg, SystemClock::Get());
  if (!app.ok()) return Fail("server", app.status());
  if (!o.database.empty()) {
    // The demo's outcomes are checked against its own scenario: another install's tasks would
    // change them, and the demo must never touch them.
    store::TaskFilter any;
    any.limit = 1;
    auto existing = (*app)->store()->ListTasks(any);
    if (!existing.ok()) return Fail("database", existing.status());
    if (!existing->empty()) {
      return Fail("database", Status::FailedPrecondition(
                                  "the demo needs an empty database; this one already holds tasks",
                                  "database"));
    }
  }
  std::string base = (*app)->base_url();
  auto admin = server::IssueToken((*app)->store(), "admin", "demo-admin", SystemClock::Get());
  if (!admin.ok()) return Fail("token", admin.status());
  ApiClient api(base, *admin);

  auto hook = WebhookReceiver::Start("demo-webhook-secret", /*fail_first_delivery=*/true);
  if (!hook.ok()) return Fail("webhook receiver", hook.status());

  TimeMs now = SystemClock::Get()->NowMs();
  // Fixes lie in the recent past so that accelerated replay never runs ahead of the clock.
  Scenario sc = DefaultScenario(now - 15 * 60'000, (*hook)->url());
  for (const Json& permit : sc.permits) {
    auto p = api.Post("/api/v1/permits", permit);
    if (!p.ok()) return Fail("register permit", p.status());
  }
  progress.Show("demo: creating " + std::to_string(sc.sites.size()) + " tasks");
  for (const Site& site : sc.sites) {
    auto t = api.Post("/api/v1/tasks", site.task);
    if (!t.ok()) return Fail("create task", t.status());
    auto a =
        api.Post("/api/v1/tasks/" + (*t)["id"].get<std::string>() + "/activate", Json::object());
    if (!a.ok()) return Fail("activate task", a.status());
  }
  if (Status st = WriteScenarioFiles(sc, o.data_dir + "/scenario"); !st.ok())
    return Fail("scenario", st);

  std::vector<ChildProcess> agents;
  std::vector<std::string> outs;
  for (const VehiclePlan& v : sc.vehicles) {
    auto veh = api.Post("/api/v1/vehicles", {{"name", v.name}, {"kind", v.kind}, {"lane", v.lane}});
    if (!veh.ok()) return Fail("register vehicle", veh.status());
    std::string id = (*veh)["id"].get<std::string>();
    auto tok = api.Post("/api/v1/vehicles/" + id + "/token", Json::object());
    if (!tok.ok()) return Fail("vehicle token", tok.status());
    std::string out = o.data_dir + "/logs/" + v.name + ".out";
    char speed[32];
    std::snprintf(speed, sizeof speed, "%g", o.speed);
    auto child = ChildProcess::Spawn(
        {agent_bin, "--server", base, "--data-dir", o.data_dir + "/agents/" + v.name, "--gps",
         v.gps_path, "--camera-dir", v.camera_dir, "--speed", speed, "--vehicle-id", v.name},
        {{"TILSYN_AGENT_TOKEN", (*tok)["token"].get<std::string>()}}, out,
        o.data_dir + "/logs/" + v.name + ".log");
    if (!child.ok()) return Fail("start agent", child.status());
    agents.push_back(std::move(*child));
    outs.push_back(out);
  }

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  TimeMs deadline = SystemClock::Get()->NowMs() + o.timeout_s * 1000LL;
  int64_t done = 0, total = 0;
  bool agents_done = false;
  while (!g_stop) {
    int running = 0;
    for (auto& a : agents) running += a.Poll() ? 0 : 1;
    bool drained = Drained(*(*app)->store(), &done, &total);
    progress.Show("demo: " + std::to_string(agents.size() - running) + "/" +
                  std::to_string(agents.size()) + " vehicles finished their route · " +
                  std::to_string(total) + " observations · " + std::to_string(done) +
                  " through the pipeline");
    agents_done = running == 0;
    if (agents_done && drained) break;
    if (SystemClock::Get()->NowMs() > deadline) {
      progress.Done();
      std::fprintf(stderr, "demo: timed out after %d s (logs in %s/logs)\n", o.timeout_s,
                   o.data_dir.c_str());
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  progress.Done();
  std::vector<Json> reports;
  bool agents_ok = true;
  for (size_t i = 0; i < agents.size(); ++i) {
    int rc = agents[i].Wait();
    if (rc != 0) {
      agents_ok = false;
      std::fprintf(stderr, "demo: agent %s exited with %d (see %s/logs)\n",
                   sc.vehicles[i].name.c_str(), rc, o.data_dir.c_str());
    }
    reports.push_back(ReadAgentReport(outs[i]));
  }
  auto summary = BuildSummary(*(*app)->store(), reports, (*hook)->Tally());
  if (!summary.ok()) return Fail("summary", summary.status());
  auto outcomes = TaskOutcomes(*(*app)->store(), sc.sites);
  if (!outcomes.ok()) return Fail("task outcomes", outcomes.status());
  (*summary)["task_outcomes"] = std::move(*outcomes);
  // What an operator's Prometheus would scrape now: the sum of each family's samples.
  auto metrics =
      net::Fetch({"GET", base + "/metrics", {{"Authorization", "Bearer " + *admin}}, "", 5000});
  if (metrics.ok() && metrics->status == 200)
    (*summary)["metrics"] = SumMetricFamilies(metrics->body);
  if (o.json) {
    std::cout << summary->dump(2) << std::endl;
  } else {
    std::cout << RenderSummary(*summary) << std::endl;
  }
  if (o.serve && !g_stop) {
    auto ui = net::Fetch({"GET", base + "/", {}, "", 2000});
    if (ui.ok() && ui->status == 200) {
      std::cout << "Web UI: " << base << "/  (log in with the admin token below)\n";
    } else {
      std::cout << "Web UI: not built (run `make web` or scripts/web.sh)\n";
    }
    std::cout << "API: " << base << "/api/v1  (OpenAPI document: " << base
              << "/api/v1/openapi.json)\n"
              << "Admin token (shown once): " << *admin << "\n"
              << "Press Ctrl-C to stop." << std::endl;
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } else if (!o.json) {
    std::cout << "Data in " << o.data_dir << "/ ("
              << (o.database.empty() ? "server/tilsyn.db, " : "the --database given, ")
              << "server/images/). "
              << "To look at it in the web UI, run `./build/bin/tilsyn demo --serve` and open "
              << "http://127.0.0.1:8080/\n";
  }
  (*hook)->Stop();
  (*app)->Stop();
  bool ok = agents_ok && (*summary)["captures_outside_geofence"].get<int64_t>() == 0;
  return ok ? 0 : 1;
}

}  // namespace tilsyn::demo
