#include "tasks/planner.h"

#include <gtest/gtest.h>

#include "core/time_format.h"
#include "tasks/rules.h"

namespace tilsyn::tasks {
namespace {

constexpr geo::LatLon kSite{55.6761, 12.5683};

Task ActiveTask() {
  Task t;
  t.id = "t1";
  t.status = TaskStatus::kActive;
  t.targets = {{"person", 0.5}};
  t.area = geo::Geofence::Circle(kSite, 30);
  t.schedule.valid_from = *ParseIso8601("2026-01-01T00:00:00Z");
  t.schedule.valid_to = *ParseIso8601("2027-01-01T00:00:00Z");
  return t;
}

TEST(Planner, ActiveTaskGivesActiveJob) {
  Task t = ActiveTask();
  CaptureJob j = PlanJob(t);
  EXPECT_TRUE(j.active);
  EXPECT_EQ(j.id, "t1");
  t.status = TaskStatus::kPaused;
  EXPECT_FALSE(PlanJob(t).active);
}

TEST(Planner, CheckCaptureNamesTheViolation) {
  Task t = ActiveTask();
  t.max_speed_kmh = 30;
  t.heading_deg = 0;
  t.heading_tolerance_deg = 20;
  CaptureJob j = PlanJob(t);
  CaptureFix fix{*ParseIso8601("2026-06-01T10:00:00Z"), kSite, 350.0, 20.0};
  EXPECT_TRUE(CheckCapture(j, fix).ok());  // 350° is within 20° of 0° (wrap-around)
  CaptureFix outside = fix;
  outside.pos = geo::Offset(kSite, 90, 40);
  EXPECT_EQ(CheckCapture(j, outside).field(), "position");
  CaptureFix late = fix;
  late.time = *ParseIso8601("2027-06-01T10:00:00Z");
  EXPECT_EQ(CheckCapture(j, late).field(), "captured_at");
  CaptureFix fast = fix;
  fast.speed_kmh = 50;
  EXPECT_EQ(CheckCapture(j, fast).field(), "speed_kmh");
  CaptureFix wrong_way = fix;
  wrong_way.heading_deg = 180;
  EXPECT_EQ(CheckCapture(j, wrong_way).field(), "heading_deg");
  j.active = false;
  EXPECT_EQ(CheckCapture(j, fix).field(), "job_id");
}

TEST(Planner, WeeklyWindowsAreLocalTimeAcrossDst) {
  Schedule s = ActiveTask().schedule;
  s.windows = {{6, 7 * 60, 8 * 60}};  // Sundays 07:00–08:00 Copenhagen time
  // Winter (CET, UTC+1): 06:30Z = 07:30 local.  Summer (CEST, UTC+2): 05:30Z = 07:30 local.
  EXPECT_TRUE(InSchedule(s, *ParseIso8601("2026-01-04T06:30:00Z")));
  EXPECT_FALSE(InSchedule(s, *ParseIso8601("2026-01-04T05:30:00Z")));
  EXPECT_TRUE(InSchedule(s, *ParseIso8601("2026-07-05T05:30:00Z")));
  EXPECT_FALSE(InSchedule(s, *ParseIso8601("2026-07-05T06:30:00Z")));
  // The DST change day itself (2026-03-29): 05:30Z = 07:30 CEST.
  EXPECT_TRUE(InSchedule(s, *ParseIso8601("2026-03-29T05:30:00Z")));
}

TEST(Rules, PresenceAbsenceCountAndInconclusive) {
  Task t = ActiveTask();
  std::vector<Detection> two = {{"person", 0.9, {0, 0, 10, 50}}, {"person", 0.7, {20, 0, 10, 20}},
                                {"person", 0.3, {40, 0, 10, 50}}, {"dog", 0.99, {}}};
  t.kind = TaskKind::kPresence;
  EXPECT_EQ(Assess(t, two, true).outcome, Outcome::kOk);
  EXPECT_EQ(Assess(t, {}, true).outcome, Outcome::kFinding);
  t.kind = TaskKind::kAbsence;
  EXPECT_EQ(Assess(t, two, true).outcome, Outcome::kFinding);
  EXPECT_EQ(Assess(t, {}, true).outcome, Outcome::kOk);
  t.kind = TaskKind::kCount;
  t.rule.max_count = 1;
  auto r = Assess(t, two, true);
  EXPECT_EQ(r.counts["person"], 2);
  EXPECT_EQ(r.outcome, Outcome::kFinding);
  t.rule.min_box_height_px = 30;  // the short box no longer counts
  EXPECT_EQ(Assess(t, two, true).outcome, Outcome::kOk);
  EXPECT_EQ(Assess(t, two, false).outcome, Outcome::kInconclusive);
}

}  // namespace
}  // namespace tilsyn::tasks
