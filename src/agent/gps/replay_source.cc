#include "agent/gps/replay_source.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "agent/gps/gpx.h"
#include "agent/gps/nmea.h"
#include "core/file_util.h"

namespace tilsyn::agent {
namespace {

std::string LowerExtension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace

Result<std::unique_ptr<ReplaySource>> ReplaySource::Open(const std::string& path,
                                                         double speed_factor, Clock* clock) {
  if (!(speed_factor >= 0) || !std::isfinite(speed_factor)) {
    return Status::InvalidArgument("speed factor must be >= 0", "speed_factor");
  }
  std::string ext = LowerExtension(path);
  if (ext != ".nmea" && ext != ".txt" && ext != ".gpx") {
    return Status::InvalidArgument(
        "unknown GPS file type '" + ext + "' (expected .nmea, .txt or .gpx)", "gps_file");
  }
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status().WithField("gps_file");
  std::vector<GpsFix> fixes;
  int64_t bad = 0;
  if (ext == ".gpx") {
    GpxStats st;
    fixes = ParseGpx(*text, &st);
    bad = st.bad;
  } else {
    NmeaStats st;
    fixes = ParseNmea(*text, &st);
    bad = st.bad();
  }
  if (fixes.empty()) {
    return Status::InvalidArgument("no usable GPS fix in " + path, "gps_file");
  }
  return std::make_unique<ReplaySource>(std::move(fixes), bad, speed_factor, clock);
}

ReplaySource::ReplaySource(std::vector<GpsFix> fixes, int64_t bad_records, double speed_factor,
                           Clock* clock)
    : fixes_(std::move(fixes)),
      bad_records_(bad_records),
      speed_factor_(speed_factor),
      clock_(clock) {}

Result<std::optional<GpsFix>> ReplaySource::Next() {
  if (next_ >= fixes_.size()) return std::optional<GpsFix>();
  const GpsFix& fix = fixes_[next_];
  if (next_ == 0) {
    wall_start_ = clock_ ? clock_->NowMs() : 0;
  } else if (speed_factor_ > 0 && clock_) {
    // Pace against the start so sleep overhead does not accumulate as drift.
    TimeMs gps_elapsed = std::max<TimeMs>(0, fix.time - fixes_[0].time);
    TimeMs due = wall_start_ + static_cast<TimeMs>(std::llround(gps_elapsed / speed_factor_));
    TimeMs now = clock_->NowMs();
    if (due > now) clock_->SleepMs(due - now);
  }
  ++next_;
  return std::optional<GpsFix>(fix);
}

}  // namespace tilsyn::agent
