// GpsdSource: a live GpsSource reading a gpsd daemon through libgps (gpsd's JSON protocol over
// TCP: ?WATCH={"enable":true,"json":true}). Each TPV report with a 2D/3D fix becomes a GpsFix
// (time, lat, lon, speed m/s -> km/h, track -> heading, eph — or epx/epy — -> accuracy_m);
// TPVs without a fix, time or position are counted as bad records. When gpsd is unreachable or
// the connection drops, Next() reconnects with exponential backoff (full jitter) and keeps
// waiting; the stream ends only when the stop flag (SetStop) is set, or with an error after
// `max_connect_failures` consecutive failed connects (0 = retry forever). libgps stays inside
// the .cc. Not thread-safe (one agent loop); the stop flag may be set from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "agent/backoff.h"
#include "agent/gps/gps_source.h"

namespace tilsyn::agent {

struct GpsdOptions {
  std::string host = "127.0.0.1";
  std::string port = "2947";
  int64_t backoff_base_ms = 500;     // first reconnect wait ceiling …
  int64_t backoff_cap_ms = 30'000;   // … doubling up to this
  int64_t poll_ms = 200;             // how often a wait re-checks the stop flag
  int max_connect_failures = 0;      // consecutive failed connects before Next() fails; 0 = never
};

// "HOST:PORT", "HOST" (port 2947) or "[IPv6]:PORT". InvalidArgument naming field "gpsd".
Result<GpsdOptions> ParseGpsdAddress(std::string_view address);

class GpsdSource : public GpsSource {
 public:
  explicit GpsdSource(GpsdOptions options);
  ~GpsdSource() override;
  GpsdSource(const GpsdSource&) = delete;
  GpsdSource& operator=(const GpsdSource&) = delete;

  // Blocks until the next fix, reconnecting as needed; nullopt once the stop flag is set.
  Result<std::optional<GpsFix>> Next() override;
  int64_t bad_records() const override { return bad_records_; }
  void SetStop(const std::atomic<bool>* stop) override { stop_ = stop; }

  int64_t connects() const { return connects_; }  // successful connections so far
  int64_t drops() const { return drops_; }        // connections lost after they were up

 private:
  struct Connection;  // wraps libgps' gps_data_t
  bool Stopped() const { return stop_ && stop_->load(); }
  // Sleeps `ms` in poll_ms slices; false when stopped meanwhile.
  bool SleepUnlessStopped(int64_t ms);

  GpsdOptions options_;
  std::unique_ptr<Connection> conn_;
  Backoff backoff_;
  const std::atomic<bool>* stop_ = nullptr;
  int64_t bad_records_ = 0;
  int64_t connects_ = 0;
  int64_t drops_ = 0;
  int consecutive_failures_ = 0;
};

}  // namespace tilsyn::agent
