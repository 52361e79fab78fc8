// Sites nobody visits: when an active task's wanted visit is overdue, and the reason the last
// coverage report gives; and GET /api/v1/tasks?overdue=true.
#include "server/visits.h"

#include <gtest/gtest.h>

#include "core/time_format.h"
#include "fakes/fake_world.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

constexpr TimeMs kDay = 86'400'000;

tasks::Task Wanted(int days, TimeMs valid_from) {
  tasks::Task t;
  t.status = tasks::TaskStatus::kActive;
  t.revisit_days = days;
  t.schedule.valid_from = valid_from;
  t.schedule.valid_to = valid_from + 100 * kDay;
  return t;
}

Json Site(int64_t passes, int hour) {
  Json profile = Json::array();
  for (int h = 0; h < 24; ++h) profile.push_back(h == hour ? passes : 0);
  return {{"passes", passes}, {"hour_profile", profile}};
}

TEST(CheckVisit, OverdueFromTheLastCaptureOrTheStartWithTheCoverageReason) {
  const TimeMs now = 1'780'000'000'000;
  tasks::Task t = Wanted(3, now - 10 * kDay);
  EXPECT_FALSE(CheckVisit(t, now - 2 * kDay, now, std::nullopt, false).overdue);
  VisitStatus v = CheckVisit(t, now - 4 * kDay, now, std::nullopt, false);
  EXPECT_TRUE(v.overdue);
  EXPECT_EQ(v.due_since_ms, now - kDay);
  EXPECT_EQ(v.reason_code, "no_coverage");
  EXPECT_EQ(CheckVisit(t, std::nullopt, now, Site(0, 8), true).reason_code, "no_vehicle_passes");
  EXPECT_EQ(CheckVisit(t, std::nullopt, now, Site(12, 8), true).reason_code, "not_captured");
  t.schedule.windows = {{0, 14 * 60, 16 * 60}};  // Mondays 14–16
  EXPECT_EQ(CheckVisit(t, std::nullopt, now, Site(12, 8), true).reason_code, "outside_windows");
  EXPECT_EQ(CheckVisit(t, std::nullopt, now, Site(12, 15), true).reason_code, "not_captured");
  // Only active tasks with a wish are checked.
  t.status = tasks::TaskStatus::kPaused;
  EXPECT_FALSE(CheckVisit(t, std::nullopt, now, std::nullopt, false).overdue);
  t.status = tasks::TaskStatus::kActive;
  t.revisit_days.reset();
  EXPECT_FALSE(CheckVisit(t, std::nullopt, now, std::nullopt, false).overdue);
}

// Two vehicles pass: "a" often, at 08 (outside the window), "b" once, at 15 (inside). With the
// job offered to the top 1 only, the vehicle that could see the site in time does not get it.
TEST(CheckVisit, VehiclesPassingInTheWindowsButNotOfferedTheJobAreDeselected) {
  const TimeMs now = 1'780'000'000'000;
  tasks::Task t = Wanted(3, now - 10 * kDay);
  t.schedule.windows = {{0, 14 * 60, 16 * 60}};  // Mondays 14–16
  Json a = Site(20, 8);
  a["vehicle"] = "a";
  Json b = Site(1, 15);
  b["vehicle"] = "b";
  Json site = Site(21, 8);
  site["hour_profile"][15] = 1;
  site["vehicles"] = Json::array({a, b});
  EXPECT_EQ(CheckVisit(t, std::nullopt, now, site, true, 1).reason_code, "vehicles_deselected");
  EXPECT_NE(CheckVisit(t, std::nullopt, now, site, true, 1).reason.find("are not among the 1 "),
            std::string::npos);
  EXPECT_EQ(CheckVisit(t, std::nullopt, now, site, true, 2).reason_code, "not_captured");
  EXPECT_EQ(CheckVisit(t, std::nullopt, now, site, true, 0).reason_code, "not_captured")
      << "every vehicle gets every job";
  t.schedule.windows.clear();
  EXPECT_EQ(CheckVisit(t, std::nullopt, now, site, true, 1).reason_code, "not_captured");
}

TEST_F(ApiTest, TheTaskListFlagsSitesNobodyVisits) {
  Json body = ValidTaskJson();
  body["revisit_days"] = 2;
  body["schedule"]["valid_from"] = FormatIso8601(kNow - 5 * kDay);
  const std::string lonely = CreateActiveTask(body);
  Json visited_body = body;
  visited_body["title"] = "Visited site";
  const std::string visited = CreateActiveTask(visited_body);
  const std::string vehicle = CreateVehicleWithToken().first;
  ::tilsyn::testing::InsertObservation(store_.get(), store_->GetTask(visited).value(), vehicle,
                                       kNow - kDay, store::ObservationState::kDone);
  Reply all = Call("GET", "/api/v1/tasks", inspector_);
  ASSERT_EQ(all.status, 200) << all.raw.body;
  for (const Json& t : all.json["tasks"]) {
    if (t["id"] == lonely) {
      EXPECT_EQ(t["visit"]["overdue"], true);
      EXPECT_EQ(t["visit"]["reason_code"], "no_coverage");
      EXPECT_TRUE(t["visit"]["last_observation_at"].is_null());
    } else {
      EXPECT_EQ(t["visit"]["overdue"], false) << t.dump();
      EXPECT_FALSE(t["visit"]["last_observation_at"].is_null());
    }
  }
  Reply overdue = Call("GET", "/api/v1/tasks?overdue=true", inspector_);
  ASSERT_EQ(overdue.json["tasks"].size(), 1u);
  EXPECT_EQ(overdue.json["tasks"][0]["id"], lonely);
  EXPECT_EQ(Call("GET", "/api/v1/tasks?overdue=maybe", inspector_).ErrorField(), "overdue");
  body["revisit_days"] = 0;
  EXPECT_EQ(Call("POST", "/api/v1/tasks", inspector_, body).ErrorField(), "revisit_days");
}

}  // namespace
}  // namespace tilsyn::server::testing
