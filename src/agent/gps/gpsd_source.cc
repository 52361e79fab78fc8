#include "agent/gps/gpsd_source.h"

#include <gps.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

#include "core/log.h"

namespace tilsyn::agent {

struct GpsdSource::Connection {
  gps_data_t data{};
  bool open = false;
  ~Connection() {
    if (open) gps_close(&data);
  }
};

namespace {

constexpr double kMpsToKmh = 3.6;

// The fix of one TPV report, or nullopt when it has no usable 2D/3D position and time.
std::optional<GpsFix> FixFromTpv(const gps_fix_t& f) {
  if (f.mode < MODE_2D) return std::nullopt;
  if (!std::isfinite(f.latitude) || !std::isfinite(f.longitude)) return std::nullopt;
  if (std::abs(f.latitude) > 90 || std::abs(f.longitude) > 180) return std::nullopt;
  if (f.time.tv_sec <= 0) return std::nullopt;
  GpsFix fix;
  fix.time = static_cast<TimeMs>(f.time.tv_sec) * 1000 + f.time.tv_nsec / 1'000'000;
  fix.pos = {f.latitude, f.longitude};
  if (std::isfinite(f.speed) && f.speed >= 0) fix.speed_kmh = f.speed * kMpsToKmh;
  if (std::isfinite(f.track)) fix.heading_deg = std::fmod(f.track + 360.0, 360.0);
  if (std::isfinite(f.eph) && f.eph >= 0) {
    fix.accuracy_m = f.eph;
  } else if (std::isfinite(f.epx) && std::isfinite(f.epy)) {
    fix.accuracy_m = std::hypot(f.epx, f.epy);
  } else if (std::isfinite(f.epx)) {
    fix.accuracy_m = f.epx;
  } else if (std::isfinite(f.epy)) {
    fix.accuracy_m = f.epy;
  }
  return fix;
}

}  // namespace

Result<GpsdOptions> ParseGpsdAddress(std::string_view address) {
  GpsdOptions o;
  std::string_view host = address, port;
  if (!address.empty() && address.front() == '[') {
    size_t close = address.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("gpsd address: unclosed '[' in IPv6 host", "gpsd");
    }
    host = address.substr(1, close - 1);
    std::string_view rest = address.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Status::InvalidArgument("gpsd address: expected ':PORT'", "gpsd");
      port = rest.substr(1);
    }
  } else if (size_t colon = address.rfind(':'); colon != std::string_view::npos) {
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return Status::InvalidArgument("gpsd address: write an IPv6 host as [HOST]:PORT", "gpsd");
    }
  }
  if (host.empty()) return Status::InvalidArgument("gpsd address needs a host (HOST:PORT)", "gpsd");
  if (!port.empty()) {
    int p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || p > 65535) {
        return Status::InvalidArgument("gpsd port must be a number 1..65535", "gpsd");
      }
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) return Status::InvalidArgument("gpsd port must be 1..65535", "gpsd");
    o.port = std::string(port);
  }
  o.host = std::string(host);
  return o;
}

GpsdSource::GpsdSource(GpsdOptions options)
    : options_(std::move(options)), backoff_(options_.backoff_base_ms, options_.backoff_cap_ms) {}

GpsdSource::~GpsdSource() = default;

bool GpsdSource::SleepUnlessStopped(int64_t ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!Stopped()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(options_.poll_ms)));
  }
  return false;
}

Result<std::optional<GpsFix>> GpsdSource::Next() {
  const std::string where = options_.host + ":" + options_.port;
  char message[4096];
  while (!Stopped()) {
    if (!conn_) {
      auto c = std::make_unique<Connection>();
      errno = 0;
      if (gps_open(options_.host.c_str(), options_.port.c_str(), &c->data) != 0) {
        ++consecutive_failures_;
        const std::string why = gps_errstr(errno);
        if (options_.max_connect_failures > 0 &&
            consecutive_failures_ >= options_.max_connect_failures) {
          return Status::Unavailable("gpsd at " + where + " unreachable after " +
                                     std::to_string(consecutive_failures_) + " attempts: " + why);
        }
        const int64_t wait = backoff_.NextDelayMs();
        LogWarn("agent.gpsd_unreachable",
                {{"gpsd", where}, {"error", why}, {"retry_in_ms", wait}});
        if (!SleepUnlessStopped(wait)) break;
        continue;
      }
      c->open = true;
      if (gps_stream(&c->data, WATCH_ENABLE | WATCH_JSON, nullptr) != 0) {
        ++consecutive_failures_;
        conn_.reset();
        c.reset();
        const int64_t wait = backoff_.NextDelayMs();
        LogWarn("agent.gpsd_watch_failed", {{"gpsd", where}, {"retry_in_ms", wait}});
        if (!SleepUnlessStopped(wait)) break;
        continue;
      }
      conn_ = std::move(c);
      consecutive_failures_ = 0;
      ++connects_;
      LogInfo("agent.gpsd_connected", {{"gpsd", where}, {"connects", connects_}});
    }
    if (!gps_waiting(&conn_->data, static_cast<int>(options_.poll_ms * 1000))) continue;
    conn_->data.set = 0;
    message[0] = '\0';
    const int n = gps_read(&conn_->data, message, sizeof message);
    if (n < 0) {
      // gpsd went away (closed socket or read error): reconnect, first at once, then backing off.
      conn_.reset();
      ++drops_;
      LogWarn("agent.gpsd_disconnected", {{"gpsd", where}, {"drops", drops_}});
      continue;
    }
    if (n == 0 || !(conn_->data.set & MODE_SET)) continue;  // partial line or not a TPV report
    if (std::strstr(message, "\"TPV\"") == nullptr) continue;
    backoff_.Reset();
    std::optional<GpsFix> fix = FixFromTpv(conn_->data.fix);
    if (!fix) {
      ++bad_records_;
      continue;
    }
    return fix;
  }
  return std::optional<GpsFix>();
}

}  // namespace tilsyn::agent
