#include "coverage/vehicle_selection.h"

#include <gtest/gtest.h>

namespace tilsyn::coverage {
namespace {

Json SiteWith(std::vector<std::pair<std::string, int>> vehicles) {
  Json v = Json::array();
  for (auto& [name, passes] : vehicles) v.push_back({{"vehicle", name}, {"passes", passes}});
  return Json{{"task_id", "t"}, {"vehicles", v}};
}

TEST(VehicleSelection, TopKInReportOrder) {
  auto s = SelectVehicles(SiteWith({{"a", 9}, {"b", 4}, {"c", 1}}), 2);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(*s, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(SelectVehicles(SiteWith({{"a", 9}}), 5)->size(), 1u);
}

TEST(VehicleSelection, FallsBackToAllWithoutHistoryOrPassers) {
  EXPECT_FALSE(SelectVehicles(std::nullopt, 3).has_value());
  EXPECT_FALSE(SelectVehicles(SiteWith({}), 3).has_value());
  EXPECT_FALSE(SelectVehicles(SiteWith({{"a", 0}}), 3).has_value());
  EXPECT_FALSE(SelectVehicles(SiteWith({{"a", 9}}), 0).has_value());
  EXPECT_FALSE(SelectVehicles(static_cast<const CoverageCache*>(nullptr), "t", 3).has_value());
}

}  // namespace
}  // namespace tilsyn::coverage
