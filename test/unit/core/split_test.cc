#include "core/split.h"

#include <gtest/gtest.h>

namespace tilsyn {
namespace {

using V = std::vector<std::string>;

TEST(Split, KeepsOrSkipsEmptyPieces) {
  EXPECT_EQ(Split("a,,b", ','), (V{"a", "", "b"}));
  EXPECT_EQ(Split("a,,b", ',', true), (V{"a", "b"}));
  EXPECT_EQ(Split("draft,", ','), (V{"draft", ""}));
  EXPECT_EQ(Split("", ','), V{""});
  EXPECT_TRUE(Split("", ',', true).empty());
  EXPECT_EQ(Split("/api/v1/tasks/", '/', true), (V{"api", "v1", "tasks"}));
  EXPECT_EQ(Split("one", ','), V{"one"});
}

}  // namespace
}  // namespace tilsyn
