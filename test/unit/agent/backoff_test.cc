#include "agent/backoff.h"

#include <gtest/gtest.h>

namespace tilsyn::agent {
namespace {

TEST(Backoff, CeilingDoublesFromBaseUpToTheCap) {
  Backoff b(500, 30'000, 1);
  std::vector<int64_t> ceilings;
  for (int i = 0; i < 10; ++i) {
    ceilings.push_back(b.CeilingMs());
    int64_t d = b.NextDelayMs();
    EXPECT_GE(d, 0);
    EXPECT_LE(d, ceilings.back());
  }
  EXPECT_EQ(ceilings[0], 500);
  EXPECT_EQ(ceilings[1], 1000);
  EXPECT_EQ(ceilings[5], 16'000);
  EXPECT_EQ(ceilings[6], 30'000);
  EXPECT_EQ(ceilings[9], 30'000);
  b.Reset();
  EXPECT_EQ(b.CeilingMs(), 500);
}

TEST(Backoff, FullJitterSpreadsDelays) {
  Backoff b(500, 30'000, 42);
  for (int i = 0; i < 8; ++i) (void)b.NextDelayMs();
  int64_t lo = 30'000, hi = 0;
  for (int i = 0; i < 200; ++i) {
    int64_t d = b.NextDelayMs();
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, 5'000);
  EXPECT_GT(hi, 25'000);
}

}  // namespace
}  // namespace tilsyn::agent
