// GpsSource: the seam the agent reads positions from — a replay file (NMEA, GPX; replay_source.h)
// or a live gpsd daemon (gpsd_source.h). A source yields fixes in time order; malformed or no-fix
// records are skipped and counted, never fatal. Implementations are used from one thread.
#pragma once

#include <atomic>
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
  // A live source, whose stream never ends by itself, checks `stop` (not owned; may be null) while
  // it waits and ends the stream (Next() returns nullopt) once it is true. Files ignore it.
  virtual void SetStop(const std::atomic<bool>* stop) {}
};

}  // namespace tilsyn::agent
