// Uploader: drains the Outbox to the server on its own thread, so GPS processing never waits for
// the network. Each observation is POSTed to `<server>/api/v1/observations` as multipart/form-data
// (part `metadata` JSON, part `image` JPEG) with the vehicle token as Bearer:
//   201 → uploaded, 200 → duplicate (already there); both remove the entry.
//   408, 429, 5xx, 401 and network errors → retried with exponential backoff, full jitter
//     (base 500 ms, cap 30 s, slept on the Clock; Retry-After is honoured up to the cap).
//     401 is a vehicle-credential problem, not the observation's, so it never discards data.
//   any other 4xx → the entry is moved to rejected/ (metadata + server error, no image).
// Thread-safe: Start/Notify/Stop/WaitUntilEmpty/stats may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/backoff.h"
#include "agent/outbox.h"
#include "core/clock.h"
#include "net/http_client.h"

namespace tilsyn::agent {

struct UploaderOptions {
  std::string server_url;  // e.g. "http://127.0.0.1:8080"
  std::string token;       // vehicle token (Bearer)
  net::TlsTrust trust;     // CA bundle and pin for an https server
  int64_t backoff_base_ms = 500;
  int64_t backoff_cap_ms = 30'000;
  int request_timeout_ms = 30'000;
  int64_t idle_poll_ms = 1'000;  // re-list the outbox this often even without Notify()
  // Daily periods "HH:MM-HH:MM" in `upload_time_zone` when uploads may run (e.g. the depot's
  // Wi-Fi at night); empty = always (tasks/agent_settings.h).
  std::vector<std::string> upload_windows;
  std::string upload_time_zone = "Europe/Copenhagen";
};

struct UploadStats {
  int64_t uploaded = 0;    // 201
  int64_t duplicates = 0;  // 200: the server had it already
  int64_t rejected = 0;    // moved to rejected/
  int64_t attempts = 0;    // POSTs tried
  int64_t retries = 0;     // attempts that will be retried
};

// kGone: the entry was no longer in the outbox (nothing sent).
enum class UploadOutcome { kUploaded, kDuplicate, kRejected, kRetry, kGone };

class Uploader {
 public:
  Uploader(Outbox* outbox, Clock* clock, UploaderOptions options);
  ~Uploader();  // stops the thread

  // Starts the background thread (which first drains whatever the outbox already holds).
  void Start();
  // Wakes the thread after a Put.
  void Notify();
  // Stops after the in-flight attempt; joins. Idempotent.
  void Stop();
  // Blocks until the outbox is empty or `timeout_ms` of Clock time passed; true when empty.
  bool WaitUntilEmpty(int64_t timeout_ms);

  // One attempt for one entry, without backoff (used by the thread; public for tests).
  UploadOutcome UploadOnce(const std::string& id);

  UploadStats stats() const;

  // New upload windows (remote settings); the next loop turn uses them.
  void SetUploadWindows(std::vector<std::string> windows, std::string time_zone);
  bool InUploadWindow() const;

 private:
  void Loop();
  // Sleeps `ms` of Clock time in small steps so Stop() is prompt; false when stopped.
  bool SleepInterruptible(int64_t ms);

  Outbox* outbox_;
  Clock* clock_;
  UploaderOptions options_;
  Backoff backoff_;
  int64_t retry_after_ms_ = 0;  // from the last response, 0 when none

  mutable std::mutex mu_;
  std::condition_variable wake_;      // Notify / Stop
  std::condition_variable progress_;  // an entry left the outbox, or an attempt finished
  bool notified_ = false;
  std::atomic<bool> stop_{false};
  UploadStats stats_;
  std::thread thread_;
};

}  // namespace tilsyn::agent
