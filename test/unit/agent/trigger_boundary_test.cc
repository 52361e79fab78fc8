// Trigger boundary cases: stale fixes, heading across north, weekly windows across DST, a
// vehicle stopping inside a fence. Tracks are ASCII strips: one character per second, 1 m apart
// along the x axis (east) of a local frame at kCenter; the fence is drawn on the line above.
#include <gtest/gtest.h>

#include "agent/trigger.h"
#include "agent_test_util.h"
#include "core/time_format.h"
#include "geo/local_projection.h"

namespace tilsyn::agent {
namespace {

using testutil::CircleJob;
using testutil::FixAt;
using testutil::kCenter;

// `track`: '-' the vehicle moves 1 m east this second, 's' it stands still. Returns the column
// (second) of each capture offered; each is marked captured.
std::vector<int> DriveTrack(Trigger& trig, const tasks::CaptureJob& job, const std::string& track,
                            TimeMs t0, double x0 = -20, double heading = 90) {
  geo::LocalProjection proj(kCenter);
  std::vector<int> out;
  double x = x0;
  for (size_t i = 0; i < track.size(); ++i) {
    if (track[i] == '-') x += 1;
    GpsFix f = FixAt(proj.ToLatLon({x, 0}), t0 + static_cast<TimeMs>(i) * 1000,
                     track[i] == 's' ? 0 : 3.6, heading);
    if (trig.Update(job, f)) {
      trig.MarkCaptured(job.id, f.time);
      out.push_back(static_cast<int>(i));
    }
  }
  return out;
}

TEST(TriggerBoundary, VehicleStoppingInsideAFenceIsCapturedOnce) {
  // Fence: circle r = 10 m at x = 0. Second i is at x = -19 + i while moving; it stops at x = -8
  // (inside) for 29 s, then leaves east past x = 15 (radius + hysteresis).
  const std::string track = "------------sssssssssssssssssssssssssssss--------------------------";
  auto job = CircleJob("a", kCenter, 10);
  Trigger trig;
  auto caps = DriveTrack(trig, job, track, testutil::T0());
  ASSERT_EQ(caps.size(), 1u);
  EXPECT_EQ(caps[0], 9);  // x = -10: on the edge counts as inside
  EXPECT_EQ(trig.passes().at("a"), 1);
}

TEST(TriggerBoundary, StaleFixesAreIgnored) {
  FakeClock clock(testutil::T0());
  TriggerOptions o;
  o.max_fix_age_ms = 5000;
  o.clock = &clock;
  Trigger trig(o);
  auto job = CircleJob("a", kCenter, 30);
  // A fix 6 s old: ignored, and it does not even open a pass.
  EXPECT_FALSE(trig.Update(job, FixAt(kCenter, clock.NowMs() - 6000)));
  EXPECT_FALSE(trig.InsideForTest("a"));
  // Exactly at the limit: accepted.
  EXPECT_TRUE(trig.Update(job, FixAt(kCenter, clock.NowMs() - 5000)));
  // Without a clock or with 0 the check is off (log replay).
  Trigger off;
  EXPECT_TRUE(off.Update(job, FixAt(kCenter, clock.NowMs() - 3'600'000)));
}

TEST(TriggerBoundary, HeadingLimitWrapsAcrossNorth) {
  auto job = CircleJob("a", kCenter, 30);
  job.heading_deg = 359;
  job.heading_tolerance_deg = 5;
  for (double h : {1.0, 354.0, 4.0}) {
    Trigger trig;
    EXPECT_TRUE(trig.Update(job, FixAt(kCenter, testutil::T0(), 20, h))) << h;
  }
  for (double h : {5.0, 180.0, 353.0}) {
    Trigger trig;
    EXPECT_FALSE(trig.Update(job, FixAt(kCenter, testutil::T0(), 20, h))) << h;
  }
}

TEST(TriggerBoundary, WeeklyWindowAcrossTheAutumnDstChange) {
  // Sundays 02:00–03:00 Copenhagen time; on 2026-10-25 that hour happens twice (CEST, then CET).
  auto job = CircleJob("a", kCenter, 30);
  job.schedule.valid_to = ParseIso8601("2027-01-01T00:00:00Z").value();
  job.schedule.windows = {{6, 120, 180}};
  job.schedule.min_interval_s = 0;
  auto at = [&](const char* iso) {
    Trigger trig;
    return trig.Update(job, FixAt(kCenter, ParseIso8601(iso).value()));
  };
  EXPECT_FALSE(at("2026-10-24T23:59:00Z"));  // 01:59 CEST
  EXPECT_TRUE(at("2026-10-25T00:30:00Z"));   // 02:30 CEST
  EXPECT_TRUE(at("2026-10-25T01:30:00Z"));   // 02:30 CET, the repeated hour
  EXPECT_FALSE(at("2026-10-25T02:00:00Z"));  // 03:00 CET
  // Spring: 2026-03-29 02:00 CET jumps to 03:00 CEST; the window's hour does not exist.
  EXPECT_FALSE(at("2026-03-29T00:59:00Z"));  // 01:59 CET
  EXPECT_FALSE(at("2026-03-29T01:00:00Z"));  // 03:00 CEST
}

}  // namespace
}  // namespace tilsyn::agent
