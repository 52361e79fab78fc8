// CircuitBreaker: one per recognition service, kept by the router (router.h). Closed: calls go
// through. After `failure_threshold` consecutive failures (errors, timeouts, garbage answers) it
// opens: the service is skipped without being called until `cooldown_ms` (measured with the
// Clock) have passed. Then it is half-open: one trial call is let through; success closes it,
// failure opens it for another cool-down. Thread-safe (a mutex).
#pragma once

#include <mutex>
#include <string_view>

#include "core/clock.h"

namespace tilsyn::recognition {

struct BreakerOptions {
  int failure_threshold = 3;
  int64_t cooldown_ms = 30'000;
};

class CircuitBreaker {
 public:
  enum class State { kClosed, kOpen, kHalfOpen };

  explicit CircuitBreaker(BreakerOptions options = {}) : options_(options) {}

  // True when a call may be made now. An open breaker whose cool-down passed turns half-open
  // and admits exactly one trial call until that call is recorded.
  bool Allow(TimeMs now);
  void RecordSuccess();
  // The admitted trial call was not made after all (an earlier service was good enough).
  void CancelTrial();
  void RecordFailure(TimeMs now);
  State state(TimeMs now) const;
  int consecutive_failures() const;

 private:
  BreakerOptions options_;
  mutable std::mutex mu_;
  State state_ = State::kClosed;
  int failures_ = 0;
  TimeMs opened_ms_ = 0;
  bool trial_in_flight_ = false;
};

std::string_view ToString(CircuitBreaker::State s);

}  // namespace tilsyn::recognition
