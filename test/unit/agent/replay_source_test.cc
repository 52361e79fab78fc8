#include "agent/gps/replay_source.h"

#include <gtest/gtest.h>

#include "core/file_util.h"
#include "fakes/test_paths.h"

namespace tilsyn::agent {
namespace {

std::vector<GpsFix> ThreeFixes() {
  std::vector<GpsFix> v(3);
  for (int i = 0; i < 3; ++i) {
    v[i].time = 1'000'000 + i * 2'000;
    v[i].pos = {55.0, 12.0 + i * 0.001};
  }
  return v;
}

TEST(ReplaySource, PacesAtRecordedTimeDividedBySpeedFactor) {
  FakeClock clock(5'000);
  ReplaySource src(ThreeFixes(), 0, /*speed_factor=*/2.0, &clock);
  ASSERT_TRUE(src.Next()->has_value());
  EXPECT_EQ(clock.NowMs(), 5'000);
  ASSERT_TRUE(src.Next()->has_value());
  EXPECT_EQ(clock.NowMs(), 6'000);  // 2 s of GPS time at 2x
  ASSERT_TRUE(src.Next()->has_value());
  EXPECT_EQ(clock.NowMs(), 7'000);
  EXPECT_FALSE(src.Next()->has_value());
}

TEST(ReplaySource, SpeedFactorZeroDoesNotSleep) {
  FakeClock clock(5'000);
  ReplaySource src(ThreeFixes(), 0, 0.0, &clock);
  int n = 0;
  while (src.Next()->has_value()) ++n;
  EXPECT_EQ(n, 3);
  EXPECT_EQ(clock.NowMs(), 5'000);
}

TEST(ReplaySource, OpensByExtensionAndCountsBadRecords) {
  testing::TempDir dir;
  ASSERT_TRUE(
      WriteFileAtomic(dir.Sub("trace.nmea"),
                      "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\n"
                      "$GPRMC,123520,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*00\n")
          .ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("trace.gpx"),
                              "<gpx><trkpt lat=\"55\" lon=\"12\"><time>2026-01-15T10:00:00Z</time>"
                              "</trkpt></gpx>")
                  .ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("trace.csv"), "x").ok());
  FakeClock clock;
  auto nmea = ReplaySource::Open(dir.Sub("trace.nmea"), 0, &clock);
  ASSERT_TRUE(nmea.ok()) << nmea.status().ToString();
  EXPECT_EQ((*nmea)->size(), 1u);
  EXPECT_EQ((*nmea)->bad_records(), 1);
  auto gpx = ReplaySource::Open(dir.Sub("trace.gpx"), 0, &clock);
  ASSERT_TRUE(gpx.ok());
  EXPECT_EQ((*gpx)->size(), 1u);
  auto csv = ReplaySource::Open(dir.Sub("trace.csv"), 0, &clock);
  EXPECT_EQ(csv.status().field(), "gps_file");
  auto missing = ReplaySource::Open(dir.Sub("nope.gpx"), 0, &clock);
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace tilsyn::agent
