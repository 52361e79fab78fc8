#include "core/json_util.h"

#include <gtest/gtest.h>

namespace tilsyn {
namespace {

TEST(GetOptStringList, AbsentNullListAndTheBadElementNamed) {
  const Json j = {{"a", {"x", "y"}}, {"n", nullptr}, {"s", "x"}, {"m", {"x", 3}}};
  auto a = GetOptStringList(j, "a", "cfg.a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(**a, (std::vector<std::string>{"x", "y"}));
  EXPECT_FALSE(GetOptStringList(j, "missing", "cfg.missing")->has_value());
  EXPECT_FALSE(GetOptStringList(j, "n", "cfg.n")->has_value());
  EXPECT_EQ(GetOptStringList(j, "s", "cfg.s").status().field(), "cfg.s");
  auto m = GetOptStringList(j, "m", "cfg.m");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().field(), "cfg.m[1]");
  EXPECT_EQ(m.status().message(), "must be a string");
}

}  // namespace
}  // namespace tilsyn
