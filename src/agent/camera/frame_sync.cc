#include "agent/camera/frame_sync.h"

#include <cmath>
#include <cstdlib>

namespace tilsyn::agent {

double FrameOffsetM(TimeMs frame_time, const GpsFix& fix) {
  const double kmh = fix.speed_kmh && std::isfinite(*fix.speed_kmh) && *fix.speed_kmh >= 0
                         ? *fix.speed_kmh
                         : kAssumedSpeedKmh;
  const double seconds = static_cast<double>(std::llabs(frame_time - fix.time)) / 1000.0;
  return seconds * kmh / 3.6;
}

}  // namespace tilsyn::agent
