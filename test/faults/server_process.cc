#include "server_process.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <opencv2/core.hpp>
#include <thread>

#include "core/file_util.h"
#include "core/time_format.h"
#include "harness.h"
#include "imaging/jpeg.h"
#include "store/store.h"

namespace tilsyn::testing {

ServerProcess::ServerProcess(const std::string& dir, Json config)
    : dir_(dir), data_(dir + "/server"), port_(FreeLoopbackPort()) {
  base_ = "http://127.0.0.1:" + std::to_string(port_);
  if (!config.is_null()) {
    config_file_ = dir + "/server.json";
    (void)WriteFileAtomic(config_file_, config.dump(2));
  }
  admin_ = RunCapture({BinDir() + "/tilsyn", "admin", "create-token", "--role", "admin",
                       "--subject", "faults", "--data-dir", data_});
}

ServerProcess::~ServerProcess() {
  if (child_) Stop();
}

bool ServerProcess::Start(int timeout_s) {
  std::vector<std::string> argv = {BinDir() + "/tilsyn",  "serve",      "--port",
                                   std::to_string(port_), "--data-dir", data_};
  if (!config_file_.empty()) argv.insert(argv.end(), {"--config", config_file_});
  const std::string n = std::to_string(++starts_);
  auto c = demo::ChildProcess::Spawn(
      argv, {{"TILSYN_IMAGE_KEY", std::string(64, '5')}, {"TILSYN_LOG_LEVEL", "warn"}},
      dir_ + "/server" + n + ".out", dir_ + "/server" + n + ".log");
  if (!c.ok()) return false;
  child_.emplace(std::move(*c));
  return WaitHealthy(base_, timeout_s);
}

void ServerProcess::Kill() {
  if (!child_) return;
  child_->Signal(SIGKILL);
  child_->Wait();
  child_.reset();
}

void ServerProcess::Stop() {
  if (!child_) return;
  child_->Signal(SIGTERM);
  child_->Wait();
  child_.reset();
}

std::string ServerProcess::Log() const {
  return ReadFile(dir_ + "/server" + std::to_string(starts_) + ".log").value_or("");
}

std::string CreateFaultTask(const demo::ApiClient& api, TimeMs valid_from_ms,
                            const std::string& webhook_url) {
  Json t = demo::TaskJson(
      "fault site", "absence",
      {{"type", "Point"}, {"coordinates", {kFaultSite.lon, kFaultSite.lat}}, {"radius_m", 30}},
      "person", 0.6, SystemClock::Get()->NowMs());
  t["schedule"]["valid_from"] = FormatIso8601(valid_from_ms);
  t["schedule"].erase("min_interval_s");
  t["actions"] = Json::array({{{"type", "log"}, {"on", {"ok", "finding", "inconclusive"}}}});
  if (!webhook_url.empty()) {
    t["actions"].push_back({{"type", "webhook"},
                            {"on", {"ok", "finding", "inconclusive"}},
                            {"url", webhook_url},
                            {"secret", "fault-secret"}});
  }
  auto created = api.Post("/api/v1/tasks", t);
  if (!created.ok()) return "";
  const std::string id = (*created)["id"];
  if (!api.Post("/api/v1/tasks/" + id + "/activate", Json::object()).ok()) return "";
  return id;
}

std::string CreateFaultVehicle(const demo::ApiClient& api) {
  auto v = api.Post("/api/v1/vehicles", {{"name", "fault sweeper"}, {"kind", "sweeper"}});
  if (!v.ok()) return "";
  auto t = api.Post("/api/v1/vehicles/" + (*v)["id"].get<std::string>() + "/token", Json::object());
  return t.ok() ? (*t)["token"].get<std::string>() : "";
}

std::string FaultJpeg(int seed) {
  cv::Mat img(240, 320, CV_8UC3);
  cv::theRNG().state = static_cast<uint64_t>(seed) + 1;
  cv::randu(img, cv::Scalar::all(0), cv::Scalar::all(255));
  return imaging::EncodeJpeg(img, 80).value_or("");
}

Json FaultMetadata(const std::string& id, const std::string& task_id, TimeMs captured_ms) {
  return {{"id", id},
          {"job_id", task_id},
          {"captured_at", FormatIso8601(captured_ms)},
          {"lat", kFaultSite.lat},
          {"lon", kFaultSite.lon}};
}

bool WaitDone(const demo::ApiClient& api, int64_t n, int timeout_s) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < until) {
    auto s = api.Get("/api/v1/summary");
    if (s.ok() && (*s)["observations"].value("done", 0) >= n) {
      int64_t pending = 0;
      for (const auto& [type, by_status] : (*s)["action_runs"].items()) {
        pending += by_status.value("pending", int64_t{0});
      }
      if (pending == 0) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

Reckoning Reckon(const std::string& data_dir, const std::set<std::string>& acked,
                 const std::map<std::string, int>& successes_by_key) {
  Reckoning r;
  auto st = store::OpenSqliteStore(data_dir + "/tilsyn.db");
  if (!st.ok()) {
    r.lost = static_cast<int64_t>(acked.size());
    r.detail = st.status().ToString();
    return r;
  }
  int64_t assessed = 0;
  for (const std::string& id : acked) {
    auto obs = (*st)->GetObservation(id);
    const bool done = obs.ok() && obs->state == store::ObservationState::kDone;
    if (!done) {
      ++r.lost;
      if (r.detail.size() < 400) {
        r.detail +=
            id + ":" + (obs.ok() ? std::string(store::ToString(obs->state)) : "missing") + " ";
      }
    }
    assessed += (*st)->GetAssessmentForObservation(id).ok();
  }
  int64_t assessments = 0;
  if (auto counts = (*st)->CountAssessmentsByOutcome(); counts.ok()) {
    for (const auto& [outcome, n] : *counts) assessments += n;
  }
  r.dup_assessments = std::max<int64_t>(0, assessments - assessed);
  if (auto runs = (*st)->ListActionRuns(std::nullopt, 100'000); runs.ok()) {
    for (const auto& run : *runs) {
      if (run.type != "webhook") continue;
      auto it = successes_by_key.find(run.idempotency_key);
      const int64_t got = it == successes_by_key.end() ? 0 : it->second;
      r.deliveries += got;
      r.dup_deliveries_unrecorded +=
          std::max<int64_t>(0, got - static_cast<int64_t>(run.attempt_log.size()));
    }
  }
  return r;
}

}  // namespace tilsyn::testing
