// Per-caller request rate and the cap on uploads in flight (server/rate_limiter.h), and the 429
// answers they give through the API.
#include "server/rate_limiter.h"

#include <gtest/gtest.h>

#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

TEST(RateLimiter, ABurstThenOneRequestPerRefillPerKey) {
  FakeClock clock(kNow);
  RateLimiter limiter(&clock, {60, 3});  // one a second, three at once
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("inspector:ivan"), 0) << i;
  EXPECT_EQ(limiter.Take("inspector:ivan"), 1) << "wait a second";
  EXPECT_EQ(limiter.Take("admin:alice"), 0) << "another caller has its own bucket";
  clock.Advance(999);
  EXPECT_EQ(limiter.Take("inspector:ivan"), 1);
  clock.Advance(1);
  EXPECT_EQ(limiter.Take("inspector:ivan"), 0);
  EXPECT_EQ(limiter.Take("inspector:ivan"), 1);
  // Idle for long: the bucket fills up to the burst, not beyond.
  clock.Advance(3'600'000);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("inspector:ivan"), 0) << i;
  EXPECT_GE(limiter.Take("inspector:ivan"), 1);
}

TEST(RateLimiter, ZeroPerMinuteIsNoLimit) {
  FakeClock clock(kNow);
  RateLimiter limiter(&clock, {0, 1});
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.Take("vehicle:v1"), 0);
}

TEST(InflightLimit, AtMostMaxAtOnce) {
  InflightLimit limit(2);
  {
    InflightSlot a(&limit), b(&limit);
    EXPECT_TRUE(a.entered() && b.entered());
    InflightSlot c(&limit);
    EXPECT_FALSE(c.entered());
  }
  InflightSlot d(&limit);
  EXPECT_TRUE(d.entered()) << "slots are given back";
  InflightSlot unlimited(nullptr);
  EXPECT_TRUE(unlimited.entered());
}

class RateLimitedApi : public ApiTest {
 protected:
  void ConfigureContext(ApiContext& ctx) override {
    ctx.rate_limiter = std::make_shared<RateLimiter>(&clock_, RateLimits{60, 2});
  }
};

TEST_F(RateLimitedApi, ACallerOverItsRateGets429WithRetryAfterOthersGoOn) {
  EXPECT_EQ(Call("GET", "/api/v1/me", inspector_).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/me", inspector_).status, 200);
  Reply r = Call("GET", "/api/v1/me", inspector_);
  ASSERT_EQ(r.status, 429) << r.raw.body;
  EXPECT_EQ(r.ErrorCode(), "too_many_requests");
  bool retry_after = false;
  for (const auto& [name, value] : r.raw.headers) retry_after |= name == "Retry-After" && value == "1";
  EXPECT_TRUE(retry_after);
  EXPECT_EQ(Call("GET", "/api/v1/me", admin_).status, 200) << "another token is not slowed";
  // Requests without a valid token are refused before any limit (401), and cost nothing.
  EXPECT_EQ(Call("GET", "/api/v1/me", "").status, 401);
  clock_.Advance(1000);
  EXPECT_EQ(Call("GET", "/api/v1/me", inspector_).status, 200);
}

}  // namespace
}  // namespace tilsyn::server::testing
