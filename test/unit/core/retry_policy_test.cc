#include "core/retry_policy.h"

#include <gtest/gtest.h>

namespace tilsyn {
namespace {

TEST(RetryPolicy, DelayDoublesUpToTheCap) {
  const RetryPolicy p{.base_ms = 1000, .cap_ms = 30'000};
  EXPECT_EQ(p.DelayMs(1), 1000);
  EXPECT_EQ(p.DelayMs(2), 2000);
  EXPECT_EQ(p.DelayMs(5), 16'000);
  EXPECT_EQ(p.DelayMs(6), 30'000);
  EXPECT_EQ(p.DelayMs(1000), 30'000);
}

TEST(RetryPolicy, TransientNeverGivesUpPermanentAtOnceOthersAfterMaxAttempts) {
  const RetryPolicy p{.max_attempts = 3};
  EXPECT_FALSE(p.GiveUp(Status::Unavailable("service down"), 1000));
  EXPECT_FALSE(p.GiveUp(Status::DeadlineExceeded("timeout"), 1000));
  EXPECT_TRUE(p.GiveUp(Status::InvalidArgument("bad"), 1));
  EXPECT_TRUE(p.GiveUp(Status::NotFound("gone"), 1));
  EXPECT_FALSE(p.GiveUp(Status::Internal("bug"), 2));
  EXPECT_TRUE(p.GiveUp(Status::Internal("bug"), 3));
  // The retryable bit survives annotation (the pipeline annotates errors).
  EXPECT_TRUE(RetryPolicy::IsTransient(Status::Unavailable("x").Annotate("recognizer")));
}

}  // namespace
}  // namespace tilsyn
