#include "agent/uploader.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "agent/job_source.h"
#include "core/crypto.h"
#include "core/log.h"
#include "net/http_client.h"
#include "net/multipart.h"
#include "tasks/agent_settings.h"

namespace tilsyn::agent {
namespace {

constexpr int64_t kSleepStepMs = 100;

bool IsRetryableStatus(int status) {
  // 401: the vehicle's token is wrong or expired — fix the credential, keep the data.
  return status == 401 || status == 408 || status == 429 || status >= 500 || status < 200 ||
         (status >= 300 && status < 400);
}

int64_t ParseRetryAfterMs(const net::ClientResponse& resp) {
  auto it = resp.headers.find("retry-after");
  if (it == resp.headers.end()) return 0;
  char* end = nullptr;
  long secs = std::strtol(it->second.c_str(), &end, 10);
  if (end == it->second.c_str() || secs <= 0) return 0;
  return static_cast<int64_t>(secs) * 1000;
}

Json ErrorBody(const std::string& body) {
  Result<Json> j = ParseJson(body);
  if (j.ok()) return *j;
  return body.substr(0, 2000);
}

}  // namespace

Uploader::Uploader(Outbox* outbox, Clock* clock, UploaderOptions options)
    : outbox_(outbox),
      clock_(clock),
      options_(std::move(options)),
      backoff_(options_.backoff_base_ms, options_.backoff_cap_ms) {}

Uploader::~Uploader() { Stop(); }

void Uploader::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Uploader::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    notified_ = true;
  }
  wake_.notify_all();
}

void Uploader::Stop() {
  stop_ = true;
  wake_.notify_all();
  progress_.notify_all();
  std::thread t;
  {
    std::lock_guard<std::mutex> lock(mu_);
    t = std::move(thread_);
  }
  if (t.joinable()) t.join();
}

UploadStats Uploader::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

bool Uploader::SleepInterruptible(int64_t ms) {
  int64_t left = ms;
  while (left > 0) {
    if (stop_) return false;
    int64_t step = std::min(left, kSleepStepMs);
    clock_->SleepMs(step);
    left -= step;
  }
  return !stop_;
}

bool Uploader::WaitUntilEmpty(int64_t timeout_ms) {
  const TimeMs deadline = clock_->NowMs() + timeout_ms;
  while (true) {
    if (outbox_->Count() == 0) return true;
    std::unique_lock<std::mutex> lock(mu_);
    if (!thread_.joinable() || stop_ || clock_->NowMs() >= deadline) return false;
    progress_.wait_for(lock, std::chrono::milliseconds(50));
  }
}

UploadOutcome Uploader::UploadOnce(const std::string& id) {
  Result<OutboxEntry> entry = outbox_->Read(id);
  if (!entry.ok()) {
    if (entry.status().code() == Code::kNotFound) return UploadOutcome::kGone;
    // Corrupt file: keep a visible record instead of retrying forever.
    LogError("agent.outbox_corrupt", {{"id", id}, {"error", entry.status().ToString()}});
    Status st = outbox_->Reject(
        id, "", Json{{"code", "corrupt_outbox_file"}, {"message", entry.status().message()}});
    if (!st.ok()) {
      LogError("agent.reject_failed", {{"id", id}, {"error", st.ToString()}});
      return UploadOutcome::kRetry;
    }
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.rejected;
    return UploadOutcome::kRejected;
  }

  const std::string boundary = "tilsyn-" + RandomHex(16);
  net::ClientRequest req;
  req.method = "POST";
  req.url = JoinUrl(options_.server_url, "/api/v1/observations");
  req.headers.push_back({"Authorization", "Bearer " + options_.token});
  req.headers.push_back({"Content-Type", "multipart/form-data; boundary=" + boundary});
  req.headers.push_back({"Idempotency-Key", id});
  req.timeout_ms = options_.request_timeout_ms;
  options_.trust.ApplyTo(req);
  req.body = net::BuildMultipart({{"metadata", "", "application/json", entry->metadata},
                                  {"image", id + ".jpg", "image/jpeg", entry->jpeg}},
                                 boundary);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.attempts;
  }

  retry_after_ms_ = 0;
  Result<net::ClientResponse> resp = net::Fetch(req);
  if (!resp.ok()) {
    LogWarn("agent.upload_failed", {{"id", id}, {"error", resp.status().ToString()}});
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.retries;
    return UploadOutcome::kRetry;
  }
  const int code = resp->status;
  if (code >= 200 && code < 300) {
    Status st = outbox_->Remove(id);
    if (!st.ok()) LogError("agent.outbox_remove_failed", {{"id", id}, {"error", st.ToString()}});
    const bool duplicate = code == 200;
    LogInfo("agent.uploaded", {{"id", id}, {"status", code}});
    std::lock_guard<std::mutex> lock(mu_);
    if (duplicate) {
      ++stats_.duplicates;
    } else {
      ++stats_.uploaded;
    }
    return duplicate ? UploadOutcome::kDuplicate : UploadOutcome::kUploaded;
  }
  if (IsRetryableStatus(code)) {
    retry_after_ms_ = ParseRetryAfterMs(*resp);
    LogWarn("agent.upload_retry", {{"id", id}, {"status", code}});
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.retries;
    return UploadOutcome::kRetry;
  }
  // A definitive refusal of this observation (400, 403, 412, 413, 415, …).
  Json error = {{"http_status", code}, {"body", ErrorBody(resp->body)}};
  Status st = outbox_->Reject(id, entry->metadata, error);
  if (!st.ok()) {
    LogError("agent.reject_failed", {{"id", id}, {"error", st.ToString()}});
    return UploadOutcome::kRetry;
  }
  LogWarn("agent.upload_rejected", {{"id", id}, {"status", code}});
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.rejected;
  return UploadOutcome::kRejected;
}

void Uploader::SetUploadWindows(std::vector<std::string> windows, std::string time_zone) {
  std::lock_guard<std::mutex> lock(mu_);
  options_.upload_windows = std::move(windows);
  options_.upload_time_zone = std::move(time_zone);
}

bool Uploader::InUploadWindow() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tasks::InUploadWindow(options_.upload_windows, options_.upload_time_zone, clock_->NowMs());
}

void Uploader::Loop() {
  while (!stop_) {
    bool retry = false;
    if (!InUploadWindow()) {  // outside the upload windows: the outbox waits
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.idle_poll_ms),
                     [this] { return stop_.load(); });
      continue;
    }
    Result<std::vector<std::string>> ids = outbox_->List();
    if (!ids.ok()) {
      LogError("agent.outbox_list_failed", {{"error", ids.status().ToString()}});
    } else {
      for (const std::string& id : *ids) {
        if (stop_) break;
        UploadOutcome outcome = UploadOnce(id);
        progress_.notify_all();
        if (outcome == UploadOutcome::kRetry) {
          retry = true;
          break;
        }
        backoff_.Reset();
      }
    }
    if (stop_) break;
    if (retry) {
      int64_t delay = backoff_.NextDelayMs();
      if (retry_after_ms_ > 0) {
        delay = std::max(delay, std::min(retry_after_ms_, options_.backoff_cap_ms));
      }
      LogDebug("agent.upload_backoff", {{"delay_ms", delay}});
      SleepInterruptible(delay);
      continue;  // start again from the oldest entry
    }
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.idle_poll_ms),
                   [this] { return notified_ || stop_.load(); });
    notified_ = false;
  }
  progress_.notify_all();
}

}  // namespace tilsyn::agent
