#include "core/time_format.h"

#include <gtest/gtest.h>

namespace tilsyn {
namespace {

TEST(TimeFormat, RoundTripsUtc) {
  auto t = ParseIso8601("2026-11-29T09:47:05.123Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatIso8601(*t), "2026-11-29T09:47:05.123Z");
}

TEST(TimeFormat, AppliesOffsets) {
  auto a = ParseIso8601("2026-06-01T12:00:00+02:00");
  auto b = ParseIso8601("2026-06-01T10:00:00Z");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(TimeFormat, RejectsGarbageAndMissingZone) {
  EXPECT_FALSE(ParseIso8601("yesterday").ok());
  EXPECT_FALSE(ParseIso8601("2026-06-01T10:00:00").ok());
  EXPECT_FALSE(ParseIso8601("2026-02-30T10:00:00Z").ok());
}

// Found by fuzz_task_json: sscanf read "-026" as a year and "-1" as an hour, so a task was
// accepted that its own JSON could not express. Only RFC 3339's digits are read now.
TEST(TimeFormat, OnlyDigitsWhereRfc3339HasDigits) {
  for (const char* s : {"-026-01-01T00:00:00Z", "2026-01-01T-1:00:00Z", "+026-01-01T00:00:00Z",
                        " 2026-01-01T00:00:00Z", "2026-01-01T00:00:nanZ", "2026-01-01T00:00:00.Z",
                        "2026-01-01T00:00:00+1:000", "2026-1-01T00:00:00Z", "2026-01-01 00:00:00Z"}) {
    EXPECT_FALSE(ParseIso8601(s).ok()) << s;
  }
  EXPECT_EQ(FormatIso8601(*ParseIso8601("0026-01-01T00:00:00Z")), "0026-01-01T00:00:00.000Z");
  EXPECT_EQ(*ParseIso8601("2026-01-01t00:00:00.5z"), *ParseIso8601("2026-01-01T00:00:00.500Z"));
  EXPECT_EQ(*ParseIso8601("2026-06-30T23:59:60Z"), *ParseIso8601("2026-07-01T00:00:00Z"))
      << "a leap second reads as the next second";
}

TEST(TimeFormat, CopenhagenLocalTimeFollowsDst) {
  // 2026-03-29 01:30Z is 03:30 CEST (after the spring change); 00:30Z is 01:30 CET.
  auto after = ToLocal(*ParseIso8601("2026-03-29T01:30:00Z"), "Europe/Copenhagen");
  auto before = ToLocal(*ParseIso8601("2026-03-29T00:30:00Z"), "Europe/Copenhagen");
  ASSERT_TRUE(after.ok() && before.ok());
  EXPECT_EQ(after->minute_of_day, 3 * 60 + 30);
  EXPECT_EQ(before->minute_of_day, 1 * 60 + 30);
  EXPECT_EQ(after->weekday, 6);  // Sunday
}

TEST(TimeFormat, UnknownZoneIsAnError) {
  EXPECT_FALSE(ToLocal(0, "Mars/Olympus").ok());
  EXPECT_FALSE(IsKnownTimeZone("Mars/Olympus"));
  EXPECT_TRUE(IsKnownTimeZone("Europe/Copenhagen"));
}

}  // namespace
}  // namespace tilsyn
