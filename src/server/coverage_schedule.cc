#include "server/coverage_schedule.h"

#include <cstdio>

#include "core/log.h"
#include "core/time_format.h"
#include "coverage/coverage_run.h"

namespace tilsyn::server {

int ParseDailyTime(const std::string& hhmm) {
  int h = -1, m = -1;
  char tail = 0;
  if (hhmm.size() != 5 || hhmm[2] != ':' ||
      std::sscanf(hhmm.c_str(), "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 ||
      m > 59) {
    return -1;
  }
  return h * 60 + m;
}

TimeMs NextDailyTime(TimeMs now, int minute_of_day, const std::string& tz) {
  constexpr TimeMs kMinute = 60'000, kDay = 1440 * kMinute;
  Result<LocalTime> local = ToLocal(now, tz);
  const int current = local.ok() ? local->minute_of_day : static_cast<int>((now / kMinute) % 1440);
  const TimeMs minute_start = now - ((now % kMinute) + kMinute) % kMinute;
  TimeMs next = minute_start + ((minute_of_day - current + 1440) % 1440) * kMinute;
  if (next <= now) next += kDay;
  return next;
}

CoverageSchedule::CoverageSchedule(store::Store* store, Clock* clock, std::string data_dir,
                                   int minute_of_day, std::string time_zone)
    : store_(store),
      clock_(clock),
      data_dir_(std::move(data_dir)),
      tz_(std::move(time_zone)),
      minute_(minute_of_day),
      next_(NextDailyTime(clock->NowMs(), minute_of_day, tz_)) {}

CoverageSchedule::~CoverageSchedule() { Stop(); }

TimeMs CoverageSchedule::next_run() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_;
}

bool CoverageSchedule::RunIfDue() {
  const TimeMs now = clock_->NowMs();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now < next_) return false;
    next_ = NextDailyTime(now, minute_, tz_);
  }
  coverage::CoverageRunOptions o;
  o.data_dir = data_dir_;
  o.time_zone = tz_;
  o.threads = 1;  // in the background, beside the API and pipeline
  Result<coverage::CoverageRunResult> run = coverage::RunCoverageOnce(*store_, o);
  if (!run.ok()) {
    LogError("coverage.scheduled_failed",
             {{"error", run.status().ToString()}, {"next", FormatIso8601(next_run())}});
    return true;
  }
  LogInfo("coverage.scheduled", {{"sites", run->report.sites.size()},
                                 {"vehicle_days", run->report.vehicle_days},
                                 {"reoffered", run->reoffered.size()},
                                 {"next", FormatIso8601(next_run())}});
  return true;
}

void CoverageSchedule::Start(int64_t poll_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this, poll_ms] {
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (wake_.wait_for(lock, std::chrono::milliseconds(poll_ms), [this] { return stop_; })) {
          return;
        }
      }
      RunIfDue();
    }
  });
}

void CoverageSchedule::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tilsyn::server
