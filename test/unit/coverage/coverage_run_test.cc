#include "coverage/coverage_run.h"

#include <gtest/gtest.h>

namespace tilsyn::coverage {
namespace {

Json Report(
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, int>>>>& s) {
  Json sites = Json::array();
  for (const auto& [task, vehicles] : s) {
    Json vs = Json::array();
    for (const auto& [v, passes] : vehicles) vs.push_back({{"vehicle", v}, {"passes", passes}});
    sites.push_back({{"task_id", task}, {"vehicles", vs}});
  }
  return {{"sites", sites}};
}

TEST(ChangedRankings, OnlySitesWhoseOrderOfPassingVehiclesChanged) {
  const Json before = Report({{"same", {{"a", 5}, {"b", 2}}},
                              {"counts", {{"a", 5}, {"b", 2}}},
                              {"swapped", {{"a", 5}, {"b", 2}}},
                              {"gone", {{"a", 1}}}});
  const Json after = Report({{"same", {{"a", 5}, {"b", 2}}},
                             {"counts", {{"a", 9}, {"b", 3}}},  // same order: every top-k same
                             {"swapped", {{"b", 6}, {"a", 5}}},
                             {"new", {{"c", 1}}}});
  EXPECT_EQ(ChangedRankings(before, after), (std::vector<std::string>{"new", "swapped", "gone"}));
  // No earlier report: every site is new.
  EXPECT_EQ(ChangedRankings(nullptr, Report({{"x", {{"a", 1}}}})), std::vector<std::string>{"x"});
  // A site nobody passes is offered to all, before and after.
  EXPECT_TRUE(ChangedRankings(Report({{"x", {}}}), Report({{"x", {}}})).empty());
}

}  // namespace
}  // namespace tilsyn::coverage
