#include "core/status.h"

#include <gtest/gtest.h>

#include "core/json_util.h"
#include "core/result.h"

namespace tilsyn {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd", "x");
  return x / 2;
}

Result<int> Quarter(int x) {
  TILSYN_ASSIGN_OR_RETURN(int h, Half(x));
  TILSYN_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(Status, OkHasNoMessage) {
  Status s = Status::Ok();
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(Status, CarriesFieldAndCodeName) {
  Status s = Status::InvalidArgument("bad", "area.coordinates");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.field(), "area.coordinates");
  EXPECT_EQ(CodeName(s.code()), "invalid_argument");
  EXPECT_EQ(s.ToString(), "invalid_argument: bad (area.coordinates)");
}

TEST(Status, TransientErrorsAreRetryable) {
  EXPECT_TRUE(Status::Unavailable("x").retryable());
  EXPECT_TRUE(Status::DeadlineExceeded("x").retryable());
  EXPECT_FALSE(Status::InvalidArgument("x").retryable());
}

TEST(Result, PropagatesErrorsThroughAssignOrReturn) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "x");
}

}  // namespace
TEST(StringOr, ReadsOnlyStringMembersAndNeverThrows) {
  const Json j = {{"type", "Feature"}, {"n", 5}, {"a", {1}}};
  EXPECT_EQ(StringOr(j, "type"), "Feature");
  EXPECT_EQ(StringOr(j, "n"), "");
  EXPECT_EQ(StringOr(j, "a", "x"), "x");
  EXPECT_EQ(StringOr(j, "missing", "d"), "d");
  EXPECT_EQ(StringOr(Json(3), "type"), "");
  EXPECT_EQ(StringOr(Json::array({1}), "type", "z"), "z");
}

}  // namespace tilsyn
