// Frame/fix sync: how far the vehicle moved between the GPS fix that triggered a capture and the
// moment the frame was exposed. A frame taken too far from its fix would be uploaded with a wrong
// position (a sign photographed 20 m before its fence), so the agent drops it and counts it.
#pragma once

#include "agent/gps/gps_source.h"
#include "core/clock.h"

namespace tilsyn::agent {

// The speed assumed when a fix reports none: a street sweeper's urban upper bound, so an unknown
// speed never makes a stale frame look in sync.
inline constexpr double kAssumedSpeedKmh = 50;

// Metres travelled between `fix` and a frame exposed at `frame_time` (same clock as fix.time), at
// the fix's speed (kAssumedSpeedKmh when it has none).
double FrameOffsetM(TimeMs frame_time, const GpsFix& fix);

}  // namespace tilsyn::agent
