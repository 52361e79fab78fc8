#include <gtest/gtest.h>

#include "agent/trigger.h"
#include "agent_test_util.h"

namespace tilsyn::agent {
namespace {

using testutil::CircleJob;
using testutil::FixAt;
using testutil::kCenter;
using testutil::T0;

TEST(TriggerState, RestoredTriggerDoesNotCaptureTheSamePassAgain) {
  tasks::CaptureJob job = CircleJob("j", kCenter, 30);
  Trigger a;
  ASSERT_TRUE(a.Update(job, FixAt(kCenter, T0())));
  a.MarkCaptured("j", T0());
  Json saved = a.SaveState();

  Trigger b;
  b.RestoreState(saved);
  EXPECT_TRUE(b.InsideForTest("j"));
  EXPECT_FALSE(b.Update(job, FixAt(geo::Offset(kCenter, 90, 5), T0() + 1000)));
  // A fresh trigger without the saved state would capture again: the state is what prevents it.
  Trigger fresh;
  EXPECT_TRUE(fresh.Update(job, FixAt(geo::Offset(kCenter, 90, 5), T0() + 1000)));
}

TEST(TriggerState, RestoredMinIntervalStillApplies) {
  tasks::CaptureJob job = CircleJob("j", kCenter, 30);
  job.schedule.min_interval_s = 3600;
  Trigger a;
  ASSERT_TRUE(a.Update(job, FixAt(kCenter, T0())));
  a.MarkCaptured("j", T0());
  Trigger b;
  b.RestoreState(a.SaveState());
  geo::LatLon far = geo::Offset(kCenter, 90, 200);
  EXPECT_FALSE(b.Update(job, FixAt(far, T0() + 60'000)));           // leaves the fence
  EXPECT_FALSE(b.Update(job, FixAt(kCenter, T0() + 120'000)));      // new pass, within the hour
  EXPECT_FALSE(b.Update(job, FixAt(far, T0() + 180'000)));
  EXPECT_TRUE(b.Update(job, FixAt(kCenter, T0() + 3'700'000)));     // after the interval
}

}  // namespace
}  // namespace tilsyn::agent
