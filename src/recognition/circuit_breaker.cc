#include "recognition/circuit_breaker.h"

namespace tilsyn::recognition {

bool CircuitBreaker::Allow(TimeMs now) {
  std::lock_guard<std::mutex> l(mu_);
  switch (state_) {
    case State::kClosed:
      return true;
    case State::kOpen:
      if (now - opened_ms_ < options_.cooldown_ms) return false;
      state_ = State::kHalfOpen;
      trial_in_flight_ = true;
      return true;
    case State::kHalfOpen:
      if (trial_in_flight_) return false;
      trial_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::RecordSuccess() {
  std::lock_guard<std::mutex> l(mu_);
  state_ = State::kClosed;
  failures_ = 0;
  trial_in_flight_ = false;
}

void CircuitBreaker::CancelTrial() {
  std::lock_guard<std::mutex> l(mu_);
  trial_in_flight_ = false;
}

void CircuitBreaker::RecordFailure(TimeMs now) {
  std::lock_guard<std::mutex> l(mu_);
  ++failures_;
  trial_in_flight_ = false;
  if (state_ == State::kHalfOpen || failures_ >= options_.failure_threshold) {
    state_ = State::kOpen;
    opened_ms_ = now;
  }
}

CircuitBreaker::State CircuitBreaker::state(TimeMs now) const {
  std::lock_guard<std::mutex> l(mu_);
  if (state_ == State::kOpen && now - opened_ms_ >= options_.cooldown_ms) return State::kHalfOpen;
  return state_;
}

int CircuitBreaker::consecutive_failures() const {
  std::lock_guard<std::mutex> l(mu_);
  return failures_;
}

std::string_view ToString(CircuitBreaker::State s) {
  switch (s) {
    case CircuitBreaker::State::kClosed:
      return "closed";
    case CircuitBreaker::State::kOpen:
      return "open";
    case CircuitBreaker::State::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

}  // namespace tilsyn::recognition
