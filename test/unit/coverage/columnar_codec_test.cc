#include "coverage/history/columnar_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "coverage/history/dir_position_history.h"
#include "coverage/history/memory_position_history.h"
#include "fakes/test_paths.h"

namespace tilsyn::coverage {
namespace {

std::vector<HistoryFix> Drive(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 2e-6);
  std::vector<HistoryFix> out;
  geo::LatLon p{55.6761, 12.5683};
  TimeMs t = 1'700'000'000'000;
  for (int i = 0; i < n; ++i) {
    p.lat += 5e-5 + noise(rng);
    p.lon += 3e-5 + noise(rng);
    out.push_back({t, p});
    t += 1000;
  }
  return out;
}

TEST(Varint, ZigZagRoundTripsExtremes) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{-64}, int64_t{63},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    std::string buf;
    PutVarint(ZigZag(v), &buf);
    size_t pos = 0;
    uint64_t got = 0;
    ASSERT_TRUE(GetVarint(buf, &pos, &got));
    EXPECT_EQ(UnZigZag(got), v);
    EXPECT_EQ(pos, buf.size());
  }
  EXPECT_EQ(ZigZag(-1), 1u);
  EXPECT_EQ(ZigZag(1), 2u);
}

TEST(ColumnarCodec, RoundTripKeepsTimesExactlyAndPositionsTo1e7) {
  auto fixes = Drive(5000, 1);
  fixes[10].time = fixes[9].time;  // equal times and a backwards step still round-trip
  fixes[20].time -= 5000;
  std::string enc = EncodeFixes(fixes);
  std::vector<HistoryFix> dec;
  ASSERT_TRUE(DecodeFixes(enc, &dec).ok());
  ASSERT_EQ(dec.size(), fixes.size());
  for (size_t i = 0; i < fixes.size(); ++i) {
    EXPECT_EQ(dec[i].time, fixes[i].time);
    EXPECT_NEAR(dec[i].pos.lat, fixes[i].pos.lat, 0.51e-7);
    EXPECT_NEAR(dec[i].pos.lon, fixes[i].pos.lon, 0.51e-7);
  }
}

TEST(ColumnarCodec, OneHertzDriveTakesUnderFourBytesPerFix) {
  auto fixes = Drive(28800, 2);
  std::string enc = EncodeFixes(fixes);
  EXPECT_LT(static_cast<double>(enc.size()) / fixes.size(), 4.0) << enc.size();
}

TEST(ColumnarCodec, EmptyDayRoundTrips) {
  std::vector<HistoryFix> dec{{1, {}}};
  ASSERT_TRUE(DecodeFixes(EncodeFixes({}), &dec).ok());
  EXPECT_TRUE(dec.empty());
}

TEST(ColumnarCodec, CorruptOrTruncatedInputIsAnErrorNotACrash) {
  std::string enc = EncodeFixes(Drive(100, 3));
  std::vector<HistoryFix> dec;
  EXPECT_FALSE(DecodeFixes("", &dec).ok());
  EXPECT_FALSE(DecodeFixes("XXXX1234", &dec).ok());
  EXPECT_FALSE(DecodeFixes(enc.substr(0, enc.size() / 2), &dec).ok());
  std::string flipped = enc;
  flipped[flipped.size() / 2] ^= 0x55;
  EXPECT_FALSE(DecodeFixes(flipped, &dec).ok());
}

TEST(DirPositionHistory, AppendSplitsByUtcDayMergesAndReads) {
  testing::TempDir dir;
  DirPositionHistory h(dir.Sub("history"));
  const TimeMs midnight = 19'700 * kDayMs;
  std::vector<HistoryFix> a{{midnight - 1000, {55.1, 12.1}}, {midnight + 2000, {55.2, 12.2}}};
  ASSERT_TRUE(h.Append("bus 7/ø", a).ok());
  std::vector<HistoryFix> b{{midnight + 1000, {55.3, 12.3}}, {midnight + 2000, {55.4, 12.4}}};
  ASSERT_TRUE(h.Append("bus 7/ø", b).ok());
  auto vehicles = h.Vehicles();
  ASSERT_TRUE(vehicles.ok());
  EXPECT_EQ(*vehicles, std::vector<std::string>{"bus 7/ø"});
  auto days = h.Days("bus 7/ø");
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(*days, (std::vector<int64_t>{19'699, 19'700}));
  std::vector<HistoryFix> got;
  ASSERT_TRUE(h.ReadDay("bus 7/ø", 19'700, &got).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].time, midnight + 1000);
  EXPECT_NEAR(got[1].pos.lat, 55.4, 1e-7);  // the newer import wins at the same time
  EXPECT_FALSE(h.ReadDay("bus 7/ø", 1, &got).ok());
  EXPECT_GT(h.DiskBytes(), 0);
}

// Location retention: days before the first kept one go, vehicle by vehicle; a vehicle whose
// days all went is gone too.
void ExpectRetentionDeletesOldDays(PositionHistory& h) {
  const TimeMs day = kDayMs;
  ASSERT_TRUE(h.Append("a", std::vector<HistoryFix>{{100 * day, {55.1, 12.1}},
                                                    {101 * day, {55.1, 12.1}},
                                                    {103 * day + 5, {55.1, 12.1}}})
                  .ok());
  ASSERT_TRUE(h.Append("b", std::vector<HistoryFix>{{99 * day, {55.2, 12.2}}}).ok());
  auto n = DeleteHistoryBefore(h, 102);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 3);
  EXPECT_EQ(*h.Vehicles(), std::vector<std::string>{"a"});
  EXPECT_EQ(*h.Days("a"), std::vector<int64_t>{103});
  EXPECT_EQ(*DeleteHistoryBefore(h, 102), 0);
}

TEST(DirPositionHistory, RetentionDeletesDaysBeforeTheFirstKept) {
  testing::TempDir dir;
  DirPositionHistory h(dir.Sub("history"));
  ExpectRetentionDeletesOldDays(h);
}

TEST(MemoryPositionHistory, RetentionDeletesDaysBeforeTheFirstKept) {
  MemoryPositionHistory h;
  ExpectRetentionDeletesOldDays(h);
}

TEST(DirPositionHistory, DayNamesRoundTrip) {
  EXPECT_EQ(DayToString(0), "1970-01-01");
  EXPECT_EQ(DayToString(19'700), "2023-12-09");
  EXPECT_EQ(DayFromString("2023-12-09").value(), 19'700);
  EXPECT_FALSE(DayFromString("2023-13-09").ok());
  EXPECT_EQ(UnescapeVehicle(EscapeVehicle("../x y")), "../x y");
  EXPECT_EQ(EscapeVehicle("../x y").find('/'), std::string::npos);
}

}  // namespace
}  // namespace tilsyn::coverage
