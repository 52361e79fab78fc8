// ReplaySource: a GpsSource that replays a recorded trace file, chosen by extension — .nmea/.txt
// (NMEA 0183) or .gpx (GPX 1.1). Fixes are yielded at recorded real time divided by
// `speed_factor` (2 = twice as fast), measured on the given Clock from the first Next() call;
// speed_factor 0 yields them as fast as they are read. Bad records are counted (bad_records()).
// Not thread-safe; the Clock must outlive the source.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agent/gps/gps_source.h"
#include "core/clock.h"

namespace tilsyn::agent {

class ReplaySource : public GpsSource {
 public:
  // Reads and parses the whole file. NotFound when missing; InvalidArgument (field "gps_file")
  // for an unknown extension or a file without a single usable fix.
  static Result<std::unique_ptr<ReplaySource>> Open(const std::string& path, double speed_factor,
                                                    Clock* clock);
  // A source over fixes already in memory (tests, other formats).
  ReplaySource(std::vector<GpsFix> fixes, int64_t bad_records, double speed_factor, Clock* clock);

  Result<std::optional<GpsFix>> Next() override;
  int64_t bad_records() const override { return bad_records_; }
  size_t size() const { return fixes_.size(); }

 private:
  std::vector<GpsFix> fixes_;
  int64_t bad_records_ = 0;
  double speed_factor_ = 0;
  Clock* clock_;
  size_t next_ = 0;
  TimeMs wall_start_ = 0;  // clock time of the first fix
};

}  // namespace tilsyn::agent
