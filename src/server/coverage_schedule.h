// CoverageSchedule: the coverage run (coverage/coverage_run.h) inside the server, once a day at
// a local time (ServerConfig coverage_schedule, e.g. "02:30" in Europe/Copenhagen), instead of
// only by hand with `tilsyn coverage`. The new report is picked up by the API and planner at
// once (coverage/coverage_output.h's cache watches the file), and the jobs whose passing vehicles
// changed are re-offered. A failed run is logged and tried again at the next day's time. On the
// day clocks change, the run may come an hour early or late. Thread-safe: Start/Stop from one
// thread, RunIfDue from the schedule's own.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace tilsyn::server {

// "HH:MM" → minute of the day (0 … 1439), or -1 when malformed.
int ParseDailyTime(const std::string& hhmm);

// The first time after `now` whose local time in `tz` is `minute_of_day` (a whole minute).
TimeMs NextDailyTime(TimeMs now, int minute_of_day, const std::string& tz);

class CoverageSchedule {
 public:
  CoverageSchedule(store::Store* store, Clock* clock, std::string data_dir, int minute_of_day,
                   std::string time_zone);
  ~CoverageSchedule();  // Stop()

  // Runs the coverage when its time has come and schedules the next day's; true when it ran
  // (also when the run failed: it is logged, and the next try is tomorrow).
  bool RunIfDue();
  TimeMs next_run() const;

  // A thread that calls RunIfDue every `poll_ms` of real time.
  void Start(int64_t poll_ms = 30'000);
  void Stop();

 private:
  store::Store* store_;
  Clock* clock_;
  std::string data_dir_, tz_;
  int minute_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  TimeMs next_;
  std::thread thread_;
};

}  // namespace tilsyn::server
