// RetryPolicy: the one place that decides whether a failed step is tried again and when —
// recognition of an observation (pipeline) and action delivery (actions) use it. A failure whose
// Status is retryable (an outage, a timeout, an open circuit breaker, a busy or full store) is
// transient: it is retried for as long as it lasts, at a delay that doubles up to a cap, so
// nothing is lost to an outage of minutes or hours. Permanent causes (bad input, undecodable
// image, unknown object) stop at once; any other error stops after max_attempts.
// Value type; thread-safe.
#pragma once

#include <cstdint>

#include "core/status.h"

namespace tilsyn {

struct RetryPolicy {
  int64_t base_ms = 1000;   // delay after the first failure
  int64_t cap_ms = 30'000;  // longest delay: a recovered service is used again within it
  int max_attempts = 5;     // for failures that are neither transient nor permanent

  // base_ms * 2^(attempts - 1), at most cap_ms (attempts >= 1 failures so far).
  int64_t DelayMs(int attempts) const;
  // Another attempt may succeed later (Status::retryable()).
  static bool IsTransient(const Status& st);
  // Another attempt cannot help: InvalidArgument, NotFound, UnsupportedMedia.
  static bool IsPermanent(const Status& st);
  // Stop after `attempts` failures, the last being `st`.
  bool GiveUp(const Status& st, int attempts) const;
};

}  // namespace tilsyn
