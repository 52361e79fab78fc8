#include "agent/service/service_notify.h"

#include <systemd/sd-daemon.h>

namespace tilsyn::agent {
namespace {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ServiceNotifier::ServiceNotifier() {
  progress_ms_ = SteadyMs();
  if (sd_watchdog_enabled(0, &watchdog_us_) <= 0) watchdog_us_ = 0;
  if (watchdog_us_ > 0) pinger_ = std::thread([this] { Ping(); });
}

ServiceNotifier::~ServiceNotifier() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (pinger_.joinable()) pinger_.join();
  Notify("STOPPING=1");
}

void ServiceNotifier::Notify(const std::string& state) { sd_notify(0, state.c_str()); }

void ServiceNotifier::Ready() { Notify("READY=1"); }

void ServiceNotifier::Status(const std::string& text) { Notify("STATUS=" + text); }

void ServiceNotifier::Progress() { progress_ms_ = SteadyMs(); }

void ServiceNotifier::Waiting(bool waiting) {
  waiting_ = waiting;
  Progress();
}

void ServiceNotifier::Ping() {
  const auto half = std::chrono::microseconds(watchdog_us_ / 2);
  const int64_t limit_ms = static_cast<int64_t>(watchdog_us_ / 1000);
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, half, [this] { return stop_; })) {
    if (waiting_ || SteadyMs() - progress_ms_ <= limit_ms) Notify("WATCHDOG=1");
  }
}

}  // namespace tilsyn::agent
