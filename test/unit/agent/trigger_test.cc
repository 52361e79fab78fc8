#include "agent/trigger.h"

#include <gtest/gtest.h>

#include "agent_test_util.h"
#include "core/time_format.h"

namespace tilsyn::agent {
namespace {

using testutil::CircleJob;
using testutil::FixAt;
using testutil::kCenter;
using testutil::T0;

// Drives every fix through the trigger for `jobs`, marking each offered capture as taken.
// Returns the number of captures per job id.
std::map<std::string, int> Drive(Trigger& trig, const std::vector<tasks::CaptureJob>& jobs,
                                 const std::vector<GpsFix>& fixes) {
  std::map<std::string, int> captures;
  for (const GpsFix& f : fixes) {
    for (const auto& job : jobs) {
      if (trig.Update(job, f)) {
        // The trigger must never offer a capture outside the fence.
        EXPECT_TRUE(job.area.Contains(f.pos));
        trig.MarkCaptured(job.id, f.time);
        ++captures[job.id];
      }
    }
  }
  return captures;
}

// Fixes every `step_m` metres from `from` along `bearing` for `dist_m`, one per second.
std::vector<GpsFix> Line(geo::LatLon from, double bearing, double dist_m, double step_m,
                         TimeMs t0) {
  std::vector<GpsFix> out;
  int i = 0;
  for (double d = 0; d <= dist_m; d += step_m, ++i) {
    out.push_back(FixAt(geo::Offset(from, bearing, d), t0 + i * 1000, 20, bearing));
  }
  return out;
}

TEST(Trigger, TwoFencesWithAnOutsideStretchGiveOneCapturePerPass) {
  geo::LatLon b_center = geo::Offset(kCenter, 90, 500);
  std::vector<tasks::CaptureJob> jobs = {CircleJob("a", kCenter, 30), CircleJob("b", b_center, 30)};
  Trigger trig;
  // West of A, through A, 440 m outside, through B, beyond.
  auto there = Line(geo::Offset(kCenter, 270, 100), 90, 700, 3, T0());
  auto captures = Drive(trig, jobs, there);
  EXPECT_EQ(captures["a"], 1);
  EXPECT_EQ(captures["b"], 1);
  // And back again: a second pass through each fence.
  auto back = Line(geo::Offset(b_center, 90, 100), 270, 700, 3, there.back().time + 1000);
  captures = Drive(trig, jobs, back);
  EXPECT_EQ(captures["a"], 1);
  EXPECT_EQ(captures["b"], 1);
  EXPECT_EQ(trig.passes().at("a"), 2);
  EXPECT_EQ(trig.passes().at("b"), 2);
}

TEST(Trigger, StandingStillInsideGivesOneCapture) {
  auto job = CircleJob("a", kCenter, 30);
  Trigger trig;
  std::vector<GpsFix> fixes;
  for (int i = 0; i < 600; ++i) fixes.push_back(FixAt(kCenter, T0() + i * 1000, 0));
  EXPECT_EQ(Drive(trig, {job}, fixes)["a"], 1);
  EXPECT_EQ(trig.passes().at("a"), 1);
}

TEST(Trigger, JitterAtTheEdgeGivesOneCapture) {
  auto job = CircleJob("a", kCenter, 30);
  Trigger trig;
  std::vector<GpsFix> fixes;
  for (int i = 0; i < 60; ++i) {
    double r = (i % 2 == 0) ? 28 : 33;  // in and 3 m out, under the 5 m hysteresis
    fixes.push_back(FixAt(geo::Offset(kCenter, 45, r), T0() + i * 1000));
  }
  EXPECT_EQ(Drive(trig, {job}, fixes)["a"], 1);
  EXPECT_EQ(trig.passes().at("a"), 1);
}

TEST(Trigger, LeavingBeyondTheHysteresisStartsANewPass) {
  auto job = CircleJob("a", kCenter, 30);
  Trigger trig;
  std::vector<GpsFix> fixes;
  for (int i = 0; i < 6; ++i) {
    double r = (i % 2 == 0) ? 28 : 40;  // 10 m out: a real exit
    fixes.push_back(FixAt(geo::Offset(kCenter, 45, r), T0() + i * 60'000));
  }
  EXPECT_EQ(Drive(trig, {job}, fixes)["a"], 3);
}

TEST(Trigger, OutsideTheTimeWindowNoCapture) {
  auto job = CircleJob("a", kCenter, 30);
  // Thursday (weekday 3) 07:00–09:00 Copenhagen; T0 is 11:00 local.
  job.schedule.windows = {{3, 7 * 60, 9 * 60}};
  Trigger trig;
  auto fixes = Line(geo::Offset(kCenter, 270, 60), 90, 120, 2, T0());
  EXPECT_EQ(Drive(trig, {job}, fixes)["a"], 0);
  // The same drive inside the window (08:00 local = 07:00 UTC) captures.
  Trigger trig2;
  auto morning =
      Line(geo::Offset(kCenter, 270, 60), 90, 120, 2, ParseIso8601("2026-01-15T07:00:00Z").value());
  EXPECT_EQ(Drive(trig2, {job}, morning)["a"], 1);
}

TEST(Trigger, OutsideValidityOrInactiveNoCapture) {
  auto job = CircleJob("a", kCenter, 30);
  Trigger trig;
  auto late =
      Line(geo::Offset(kCenter, 270, 60), 90, 120, 2, ParseIso8601("2027-02-01T10:00:00Z").value());
  EXPECT_EQ(Drive(trig, {job}, late)["a"], 0);
  job.active = false;
  Trigger trig2;
  EXPECT_EQ(Drive(trig2, {job}, Line(geo::Offset(kCenter, 270, 60), 90, 120, 2, T0()))["a"], 0);
}

TEST(Trigger, MinIntervalSuppressesAPassTooSoonAfterTheLastCapture) {
  auto job = CircleJob("a", kCenter, 30);
  job.schedule.min_interval_s = 3600;
  Trigger trig;
  auto pass = [&](TimeMs t) {
    return Drive(trig, {job}, Line(geo::Offset(kCenter, 270, 60), 90, 120, 5, t))["a"];
  };
  EXPECT_EQ(pass(T0()), 1);
  EXPECT_EQ(pass(T0() + 10 * 60'000), 0);   // 10 min later
  EXPECT_EQ(pass(T0() + 2 * 3600'000), 1);  // 2 h later
  EXPECT_EQ(trig.passes().at("a"), 3);
}

TEST(Trigger, SpeedAndHeadingLimitsAreRespected) {
  auto job = CircleJob("a", kCenter, 30);
  job.max_speed_kmh = 30;
  job.heading_deg = 90;
  job.heading_tolerance_deg = 30;
  Trigger trig;
  // Too fast through the whole fence.
  std::vector<GpsFix> fast = Line(geo::Offset(kCenter, 270, 60), 90, 120, 10, T0());
  for (auto& f : fast) f.speed_kmh = 50;
  EXPECT_EQ(Drive(trig, {job}, fast)["a"], 0);
  // Wrong direction (westbound).
  auto west = Line(geo::Offset(kCenter, 90, 60), 270, 120, 10, T0() + 600'000);
  EXPECT_EQ(Drive(trig, {job}, west)["a"], 0);
  // Eastbound at 20 km/h.
  auto east = Line(geo::Offset(kCenter, 270, 60), 90, 120, 10, T0() + 1'200'000);
  EXPECT_EQ(Drive(trig, {job}, east)["a"], 1);
}

TEST(Trigger, FastEntryThenSlowingInsideCapturesOnceThatPass) {
  auto job = CircleJob("a", kCenter, 30);
  job.max_speed_kmh = 30;
  Trigger trig;
  auto fixes = Line(geo::Offset(kCenter, 270, 60), 90, 120, 5, T0());
  for (size_t i = 0; i < fixes.size(); ++i) fixes[i].speed_kmh = i < 14 ? 50 : 10;
  EXPECT_EQ(Drive(trig, {job}, fixes)["a"], 1);
}

TEST(Trigger, WithoutMarkCapturedTheCaptureIsOfferedAgain) {
  auto job = CircleJob("a", kCenter, 30);
  Trigger trig;
  EXPECT_TRUE(trig.Update(job, FixAt(kCenter, T0())));
  EXPECT_TRUE(trig.Update(job, FixAt(kCenter, T0() + 1000)));  // camera failed: try again
  trig.MarkCaptured("a", T0() + 1000);
  EXPECT_FALSE(trig.Update(job, FixAt(kCenter, T0() + 2000)));
}

TEST(Trigger, RetainForgetsDroppedJobs) {
  auto job = CircleJob("a", kCenter, 30);
  Trigger trig;
  EXPECT_TRUE(trig.Update(job, FixAt(kCenter, T0())));
  EXPECT_TRUE(trig.InsideForTest("a"));
  trig.Retain({});
  EXPECT_FALSE(trig.InsideForTest("a"));
}

}  // namespace
}  // namespace tilsyn::agent
