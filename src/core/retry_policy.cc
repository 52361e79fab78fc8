#include "core/retry_policy.h"

#include <algorithm>

namespace tilsyn {

int64_t RetryPolicy::DelayMs(int attempts) const {
  int64_t ms = std::max<int64_t>(1, base_ms);
  for (int i = 1; i < attempts && ms < cap_ms; ++i) ms *= 2;
  return std::min(ms, cap_ms);
}

bool RetryPolicy::IsTransient(const Status& st) { return !st.ok() && st.retryable(); }

bool RetryPolicy::IsPermanent(const Status& st) {
  return st.code() == Code::kUnsupportedMedia || st.code() == Code::kNotFound ||
         st.code() == Code::kInvalidArgument;
}

bool RetryPolicy::GiveUp(const Status& st, int attempts) const {
  if (IsPermanent(st)) return true;
  if (IsTransient(st)) return false;
  return attempts >= max_attempts;
}

}  // namespace tilsyn
