// ServiceNotifier: tells systemd how the agent is doing (sd_notify, libsystemd) when it runs as a
// service (packaging/systemd/tilsyn-agent.service, Type=notify, WatchdogSec). Ready once it is
// set up; Status lines say what it waits for (no network, no GPS fix); a watchdog thread pings
// WATCHDOG=1 at half the interval systemd asked for — but only while the main loop makes
// progress or waits where waiting is expected (for a GPS fix): a loop stuck elsewhere stops the
// pings and systemd restarts the agent. Outside systemd (no NOTIFY_SOCKET) every call is a no-op.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace tilsyn::agent {

class ServiceNotifier {
 public:
  ServiceNotifier();
  ~ServiceNotifier();  // stops the watchdog thread

  void Ready();
  void Status(const std::string& text);
  // The main loop calls Progress on every iteration, and Waiting(true/false) around a wait that
  // may last (the next GPS fix). Stalled = neither for longer than the watchdog interval.
  void Progress();
  void Waiting(bool waiting);

  bool watchdog_enabled() const { return watchdog_us_ > 0; }

 private:
  void Ping();
  void Notify(const std::string& state);

  uint64_t watchdog_us_ = 0;
  std::atomic<bool> waiting_{false};
  std::atomic<int64_t> progress_ms_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread pinger_;
};

}  // namespace tilsyn::agent
