// A site nobody visits, through the running server: a task whose site has not been seen within
// its revisit_days sends its "unvisited" webhook — a CloudEvent, delivered at least once although
// the receiver refuses the first attempt — and the checks that follow every second send nothing
// more for the same overdue period.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/clock.h"
#include "core/time_format.h"
#include "demo/scenario.h"
#include "integration/harness.h"

namespace tilsyn::testing {
namespace {

constexpr TimeMs kDay = 86'400'000;

TEST(UnvisitedChain, ASiteNobodyVisitsSendsOneEventPerOverduePeriod) {
  ChainHarness h({.visit_check_s = 1});
  const TimeMs now = SystemClock::Get()->NowMs();
  Json task =
      demo::TaskJson("Bench nobody passes", "presence",
                     {{"type", "Point"}, {"coordinates", {12.5520, 55.6890}}, {"radius_m", 25}},
                     "person", 0.6, now);
  task["schedule"]["valid_from"] = FormatIso8601(now - 3 * kDay);
  task["revisit_days"] = 1;
  task["actions"] = Json::array({{{"type", "webhook"},
                                  {"on", {"unvisited"}},
                                  {"url", h.hook().url()},
                                  {"secret", "test-secret"}}});
  const std::string id = h.CreateActiveTask(task);
  ASSERT_FALSE(id.empty());

  bool delivered = false;
  for (int i = 0; i < 300 && !delivered; ++i) {  // the first check comes within a second or two
    delivered = !h.hook().Accepted().empty();
    if (!delivered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(delivered) << h.hook().Tally().dump();
  const Json got = h.hook().Accepted()[0];
  EXPECT_EQ(got["content_type"].get<std::string>().rfind("application/cloudevents+json", 0), 0u);
  const Json event = Json::parse(got["body"].get<std::string>());
  EXPECT_EQ(event["type"], "dk.tilsyn.site.unvisited");
  EXPECT_EQ(event["subject"], "tasks/" + id);
  EXPECT_EQ(event["data"]["reason_code"], "no_coverage");
  EXPECT_TRUE(event["data"]["last_observation_at"].is_null());
  EXPECT_EQ(event["data"]["due_since"], FormatIso8601(now - 2 * kDay));

  // Three more checks (one a second): the same overdue period sends nothing more.
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  EXPECT_EQ(h.hook().SuccessesByKey().size(), 1u) << h.hook().Tally().dump();
  auto runs = h.api().Get("/api/v1/action-runs");
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  ASSERT_EQ((*runs)["action_runs"].size(), 1u);
  EXPECT_EQ((*runs)["action_runs"][0]["trigger"], "unvisited");
  EXPECT_EQ((*runs)["action_runs"][0]["status"], "succeeded");
  EXPECT_GE((*runs)["action_runs"][0]["attempts"], 2) << "the receiver refused the first";
}

}  // namespace
}  // namespace tilsyn::testing
