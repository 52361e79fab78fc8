// Request limits per caller: a token bucket per key (a token's subject and role) that refills at
// `per_minute / 60` requests a second up to `burst`, and a cap on work of one kind in flight
// (uploads being decoded, anonymized and stored). Both answer with a wait in seconds for the
// Retry-After header. Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"

namespace tilsyn::server {

struct RateLimits {
  int per_minute = 1200;  // sustained requests per minute per key; 0 = no limit
  int burst = 240;        // requests a key may make at once after being idle
};

class RateLimiter {
 public:
  RateLimiter(Clock* clock, RateLimits limits) : clock_(clock), limits_(limits) {}

  // 0 when `key` may make a request now (one is taken), else the seconds until it may (>= 1).
  int Take(const std::string& key);

 private:
  struct Bucket {
    double tokens = 0;
    TimeMs at = 0;
  };
  Clock* clock_;
  RateLimits limits_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

// At most `max` at once; TryEnter() false beyond that. Leave() for every successful TryEnter()
// (InflightSlot does it).
class InflightLimit {
 public:
  explicit InflightLimit(int max) : max_(max) {}
  bool TryEnter();
  void Leave() { --inflight_; }
  int max() const { return max_; }

 private:
  const int max_;
  std::atomic<int> inflight_{0};
};

class InflightSlot {
 public:
  explicit InflightSlot(InflightLimit* limit)
      : limit_(limit && limit->TryEnter() ? limit : nullptr),
        entered_(limit == nullptr || limit_ != nullptr) {}
  ~InflightSlot() {
    if (limit_) limit_->Leave();
  }
  InflightSlot(const InflightSlot&) = delete;
  InflightSlot& operator=(const InflightSlot&) = delete;
  // Whether the work may go ahead (always, without a limit).
  bool entered() const { return entered_; }

 private:
  InflightLimit* limit_;
  bool entered_;
};

}  // namespace tilsyn::server
