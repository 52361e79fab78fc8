// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"):
// the n-th consecutive failure waits a uniform random time in [0, min(cap, base * 2^n)].
// Not thread-safe (one per retry loop).
#pragma once

#include <cstdint>
#include <random>

namespace tilsyn::agent {

class Backoff {
 public:
  Backoff(int64_t base_ms = 500, int64_t cap_ms = 30'000, uint64_t seed = std::random_device{}())
      : base_ms_(base_ms), cap_ms_(cap_ms), rng_(seed) {}

  // The wait before the next attempt; advances the failure count.
  int64_t NextDelayMs() {
    int64_t ceiling = CeilingMs();
    if (failures_ < 62) ++failures_;
    std::uniform_int_distribution<int64_t> dist(0, ceiling);
    return dist(rng_);
  }
  // The upper bound the next NextDelayMs() draws below.
  int64_t CeilingMs() const {
    int64_t c = base_ms_;
    for (int i = 0; i < failures_ && c < cap_ms_; ++i) c *= 2;
    return c < cap_ms_ ? c : cap_ms_;
  }
  void Reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  int64_t base_ms_, cap_ms_;
  int failures_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace tilsyn::agent
