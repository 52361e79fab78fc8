#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace tilsyn::server {

int RateLimiter::Take(const std::string& key) {
  if (limits_.per_minute <= 0) return 0;
  const TimeMs now = clock_->NowMs();
  const double per_ms = limits_.per_minute / 60'000.0;
  const double burst = std::max(1, limits_.burst);
  std::lock_guard<std::mutex> lock(mu_);
  // Keys idle long enough to be full again carry no state: forget them (bounded memory).
  if (buckets_.size() > 10'000) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      it = (it->second.tokens + (now - it->second.at) * per_ms >= burst) ? buckets_.erase(it)
                                                                         : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst, now});
  Bucket& b = it->second;
  if (!fresh) {
    b.tokens = std::min(burst, b.tokens + std::max<TimeMs>(0, now - b.at) * per_ms);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / per_ms / 1000.0)));
}

bool InflightLimit::TryEnter() {
  int n = inflight_.load();
  while (n < max_) {
    if (inflight_.compare_exchange_weak(n, n + 1)) return true;
  }
  return false;
}

}  // namespace tilsyn::server
