#include "agent/heartbeat_sender.h"

#include "agent/job_source.h"
#include "core/log.h"

namespace tilsyn::agent {

HeartbeatSender::HeartbeatSender(HeartbeatOptions options,
                                 std::function<tasks::Heartbeat()> snapshot)
    : options_(std::move(options)), snapshot_(std::move(snapshot)) {}

HeartbeatSender::~HeartbeatSender() { Stop(); }

void HeartbeatSender::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void HeartbeatSender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status HeartbeatSender::SendNow() {
  net::ClientRequest req;
  req.method = "POST";
  req.url = JoinUrl(options_.server_url, "/api/v1/heartbeat");
  req.headers.push_back({"Authorization", "Bearer " + options_.token});
  req.headers.push_back({"Content-Type", "application/json"});
  req.body = tasks::HeartbeatToJson(snapshot_()).dump();
  req.timeout_ms = options_.timeout_ms;
  options_.trust.ApplyTo(req);
  Result<net::ClientResponse> resp = net::Fetch(req);
  Status st = !resp.ok() ? resp.status()
              : resp->status == 200
                  ? Status::Ok()
                  : Status::Unavailable("heartbeat refused: HTTP " + std::to_string(resp->status));
  std::lock_guard<std::mutex> lock(mu_);
  if (st.ok()) {
    ++sent_;
    if (failing_) LogInfo("agent.heartbeat_restored", {});
    failing_ = false;
  } else {
    ++failed_;
    if (!failing_) LogWarn("agent.heartbeat_failed", {{"error", st.ToString()}});
    failing_ = true;
  }
  return st;
}

int64_t HeartbeatSender::sent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

int64_t HeartbeatSender::failed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_;
}

void HeartbeatSender::Loop() {
  while (true) {
    (void)SendNow();
    std::unique_lock<std::mutex> lock(mu_);
    if (wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms),
                       [this] { return stop_; })) {
      return;
    }
  }
}

}  // namespace tilsyn::agent
