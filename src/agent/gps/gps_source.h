// GpsSource: the seam the agent reads positions from — a replay file today (NMEA, GPX), gpsd or a
// serial NMEA port later. A source yields fixes in time order; malformed or no-fix records are
// skipped and counted, never fatal. Implementations are used from one thread.
#pragma once

#include <cstdint>
#include <optional>

#include "core/clock.h"
#include "core/result.h"
#include "geo/gps/gps_fix.h"
#include "geo/latlon.h"

namespace tilsyn::agent {

// The fix type lives in geo/gps/gps_fix.h so importers outside the agent share it.
using GpsFix = geo::GpsFix;

class GpsSource {
 public:
  virtual ~GpsSource() = default;
  // The next fix; nullopt at the end of the stream. An error only when the source itself fails
  // (e.g. the device disappeared), not for a bad record.
  virtual Result<std::optional<GpsFix>> Next() = 0;
  // Records skipped so far because they were malformed, failed a checksum or had no fix.
  virtual int64_t bad_records() const { return 0; }
};

}  // namespace tilsyn::agent
