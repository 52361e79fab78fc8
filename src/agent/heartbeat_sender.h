// HeartbeatSender: posts the agent's state (tasks/heartbeat.h) to <server>/api/v1/heartbeat on
// its own thread, once at Start and then every `interval_ms`, so the fleet view sees a vehicle
// that waits for a fix or a camera while its main loop is blocked. A failed post is logged (once
// per failure streak) and the next one comes at the next interval: a heartbeat is a snapshot, not
// data, so nothing queues. `snapshot` is called on the sender's thread and must be thread-safe.
// Thread-safe: Start/Stop/SendNow may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "net/http_client.h"
#include "tasks/heartbeat.h"

namespace tilsyn::agent {

struct HeartbeatOptions {
  std::string server_url;
  std::string token;
  net::TlsTrust trust;
  int64_t interval_ms = 60'000;
  int timeout_ms = 10'000;
};

class HeartbeatSender {
 public:
  HeartbeatSender(HeartbeatOptions options, std::function<tasks::Heartbeat()> snapshot);
  ~HeartbeatSender();  // Stop()

  void Start();
  // Stops the thread (an in-flight post finishes or times out). Idempotent.
  void Stop();
  // One post now, on the caller's thread. Unavailable on a network error or a non-200 answer.
  Status SendNow();

  int64_t sent() const;    // posts the server answered 200
  int64_t failed() const;  // posts that failed

 private:
  void Loop();

  HeartbeatOptions options_;
  std::function<tasks::Heartbeat()> snapshot_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool failing_ = false;
  int64_t sent_ = 0, failed_ = 0;
  std::thread thread_;
};

}  // namespace tilsyn::agent
