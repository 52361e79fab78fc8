// FakeRecognizer: a scripted recognition service for tests. Header-only so that the fakes
// library needs no OpenCV include path. Each call returns the next scripted response (the last
// one repeats), advances an optional FakeClock by `latency_ms`, and is counted. Thread-safe.
#pragma once

#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "recognition/recognizer.h"

namespace tilsyn::testing {

class FakeRecognizer : public recognition::Recognizer {
 public:
  explicit FakeRecognizer(std::string name, std::vector<std::string> labels = {"person"},
                          recognition::DataTerms terms = recognition::DataTerms::kLocal) {
    info_.name = std::move(name);
    info_.type = "fake";
    info_.labels = std::move(labels);
    info_.terms = terms;
  }

  // A successful response with these detections; good_enough as given.
  FakeRecognizer& ThenDetect(std::vector<tasks::Detection> dets, bool good_enough) {
    std::lock_guard<std::mutex> l(mu_);
    recognition::Recognition r;
    r.detections = std::move(dets);
    r.good_enough = good_enough;
    r.service = info_.name;
    script_.push_back(Result<recognition::Recognition>(std::move(r)));
    return *this;
  }
  // A successful response: one "person" at `score` (good enough) or nothing (`score` < 0).
  FakeRecognizer& ThenPerson(double score, bool good_enough = true) {
    std::vector<tasks::Detection> d;
    if (score >= 0) d.push_back({"person", score, {10, 10, 40, 100}});
    return ThenDetect(std::move(d), good_enough);
  }
  // Drops the scripted responses not yet given (e.g. a service that comes back: its next call
  // answers with what is scripted after this).
  FakeRecognizer& ClearScript() {
    std::lock_guard<std::mutex> l(mu_);
    script_.clear();
    return *this;
  }
  FakeRecognizer& ThenFail(Status st) {
    std::lock_guard<std::mutex> l(mu_);
    script_.push_back(Result<recognition::Recognition>(std::move(st)));
    return *this;
  }
  // Every call advances `clock` by `ms` (to simulate latency or a timeout).
  FakeRecognizer& WithLatency(FakeClock* clock, int64_t ms) {
    clock_ = clock;
    latency_ms_ = ms;
    return *this;
  }
  FakeRecognizer& WithTimeout(int ms) {
    info_.timeout_ms = ms;
    return *this;
  }

  int calls() const { return calls_.load(); }
  const recognition::ServiceInfo& info() const override { return info_; }

  Result<recognition::Recognition> Recognize(const cv::Mat& bgr,
                                             const recognition::RecognizeRequest& req) override {
    ++calls_;
    if (clock_) clock_->Advance(latency_ms_);
    std::lock_guard<std::mutex> l(mu_);
    last_request_ = req;
    if (script_.empty()) return Status::Internal("FakeRecognizer has no scripted response");
    Result<recognition::Recognition> r = script_.front();
    if (script_.size() > 1) script_.pop_front();
    return r;
  }

  recognition::RecognizeRequest last_request() const {
    std::lock_guard<std::mutex> l(mu_);
    return last_request_;
  }

 private:
  recognition::ServiceInfo info_;
  mutable std::mutex mu_;
  std::deque<Result<recognition::Recognition>> script_;
  recognition::RecognizeRequest last_request_;
  std::atomic<int> calls_{0};
  FakeClock* clock_ = nullptr;
  int64_t latency_ms_ = 0;
};

}  // namespace tilsyn::testing
