// Clock: the only source of "now" in the system, so schedules, retention and backoff can be
// tested with a fake. Times are milliseconds since the Unix epoch, UTC (TimeMs). Implementations
// must be thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

namespace tilsyn {

using TimeMs = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs NowMs() const = 0;
  // Blocks the calling thread for `ms` of this clock's time (a fake clock advances instead).
  virtual void SleepMs(int64_t ms) = 0;
};

// Wall-clock time.
class SystemClock : public Clock {
 public:
  TimeMs NowMs() const override;
  void SleepMs(int64_t ms) override;
  // A process-wide instance.
  static SystemClock* Get();
};

// A settable clock for tests; SleepMs advances it without blocking.
class FakeClock : public Clock {
 public:
  explicit FakeClock(TimeMs start = 1'700'000'000'000) : now_(start) {}
  TimeMs NowMs() const override { return now_.load(); }
  void SleepMs(int64_t ms) override { now_ += ms; }
  void Set(TimeMs t) { now_ = t; }
  void Advance(int64_t ms) { now_ += ms; }

 private:
  std::atomic<TimeMs> now_;
};

}  // namespace tilsyn
