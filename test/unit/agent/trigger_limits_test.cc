// Trigger limits against GPS noise: the accuracy limit (a fix whose accuracy estimate is worse
// than max_accuracy_m neither starts nor ends a pass) and stale-fix rejection inside a pass.
// Tracks are ASCII strips, one character per second along the x axis (east) of a local frame at
// kCenter; the fence is a circle of r = 10 m at x = 0:
//   '-' the vehicle moves 1 m east (accuracy 4 m)    's' it stands still
//   'N' a noisy fix 80 m north of the true position, accuracy 60 m
//   'O' an old fix 80 m north, time-stamped 30 s ago (a buffered report delivered late)
#include <gtest/gtest.h>

#include "agent/trigger.h"
#include "agent_test_util.h"
#include "geo/local_projection.h"

namespace tilsyn::agent {
namespace {

using testutil::CircleJob;
using testutil::FixAt;
using testutil::kCenter;

struct DriveResult {
  std::vector<int> captures;  // seconds (columns) at which a capture was offered
  int64_t passes = 0;
};

DriveResult DriveTrack(Trigger& trig, FakeClock& clock, const tasks::CaptureJob& job,
                       const std::string& track, double x0 = -20) {
  geo::LocalProjection proj(kCenter);
  DriveResult r;
  double x = x0;
  const TimeMs t0 = testutil::T0();
  for (size_t i = 0; i < track.size(); ++i) {
    const char c = track[i];
    if (c == '-') x += 1;
    const TimeMs now = t0 + static_cast<TimeMs>(i) * 1000;
    clock.Set(now);
    GpsFix f = FixAt(proj.ToLatLon({x, 0}), now, c == 's' ? 0 : 3.6, 90);
    if (c == 'N' || c == 'O') f.pos = proj.ToLatLon({x, 80});
    if (c == 'N') f.accuracy_m = 60;
    if (c == 'O') f.time = now - 30'000;
    if (trig.Update(job, f)) {
      trig.MarkCaptured(job.id, f.time);
      r.captures.push_back(static_cast<int>(i));
    }
  }
  auto it = trig.passes().find(job.id);
  r.passes = it == trig.passes().end() ? 0 : it->second;
  return r;
}

TriggerOptions Limits(const FakeClock* clock) {
  TriggerOptions o;
  o.max_accuracy_m = 25;
  o.max_fix_age_ms = 5000;
  o.clock = clock;
  return o;
}

// In at x = -10 (second 9), stands inside, one wild fix, stands on, leaves east.
const char kNoisyStop[] = "----------sssssNsssss-------------------------";

TEST(TriggerLimits, InaccurateFixFarOutsideDoesNotEndAPass) {
  auto job = CircleJob("a", kCenter, 10);
  job.schedule.min_interval_s = 0;
  FakeClock clock;
  Trigger trig(Limits(&clock));
  DriveResult r = DriveTrack(trig, clock, job, kNoisyStop);
  EXPECT_EQ(r.captures, std::vector<int>{9});
  EXPECT_EQ(r.passes, 1);
  EXPECT_EQ(trig.inaccurate_ignored(), 1);
}

TEST(TriggerLimits, WithoutTheAccuracyLimitTheSameFixSplitsThePass) {
  // The control for the test above: with the limit off the wild fix ends the pass, and the
  // vehicle standing inside is photographed a second time.
  auto job = CircleJob("a", kCenter, 10);
  job.schedule.min_interval_s = 0;
  FakeClock clock;
  TriggerOptions o = Limits(&clock);
  o.max_accuracy_m = 0;
  Trigger trig(o);
  DriveResult r = DriveTrack(trig, clock, job, kNoisyStop);
  EXPECT_EQ(r.captures, (std::vector<int>{9, 16}));
  EXPECT_EQ(r.passes, 2);
}

TEST(TriggerLimits, InaccurateFixInsideDoesNotStartAPass) {
  auto job = CircleJob("a", kCenter, 10);
  FakeClock clock(testutil::T0());
  Trigger trig(Limits(&clock));
  GpsFix f = FixAt(kCenter, clock.NowMs());
  f.accuracy_m = 40;
  EXPECT_FALSE(trig.Update(job, f));
  EXPECT_FALSE(trig.InsideForTest("a"));
  EXPECT_EQ(trig.passes().count("a"), 0u);
  // At the limit, or without an accuracy estimate at all, a fix counts.
  f.accuracy_m = 25;
  EXPECT_TRUE(trig.Update(job, f));
  Trigger other(Limits(&clock));
  f.accuracy_m.reset();
  EXPECT_TRUE(other.Update(job, f));
}

TEST(TriggerLimits, StaleFixFarOutsideDoesNotEndAPass) {
  auto job = CircleJob("a", kCenter, 10);
  job.schedule.min_interval_s = 0;
  FakeClock clock;
  Trigger trig(Limits(&clock));
  DriveResult r = DriveTrack(trig, clock, job, "----------sssssOsssss-------------------------");
  EXPECT_EQ(r.captures, std::vector<int>{9});
  EXPECT_EQ(r.passes, 1);
  EXPECT_EQ(trig.stale_ignored(), 1);
  EXPECT_EQ(trig.inaccurate_ignored(), 0);
}

}  // namespace
}  // namespace tilsyn::agent
