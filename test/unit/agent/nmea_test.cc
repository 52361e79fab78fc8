#include "agent/gps/nmea.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "core/time_format.h"

namespace tilsyn::agent {
namespace {

// "$" + body + "*HH" with a correct checksum.
std::string Sentence(const std::string& body) {
  unsigned char sum = 0;
  for (char c : body) sum ^= static_cast<unsigned char>(c);
  char buf[8];
  std::snprintf(buf, sizeof buf, "*%02X", sum);
  return "$" + body + buf;
}

// The textbook examples (correct checksums 6A and 47).
constexpr const char* kRmc = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A";
constexpr const char* kGga = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47";

TEST(NmeaChecksum, AcceptsCorrectAndMissingRejectsWrong) {
  EXPECT_TRUE(NmeaChecksumOk(kRmc));
  EXPECT_TRUE(NmeaChecksumOk("$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,,"));
  EXPECT_FALSE(
      NmeaChecksumOk("$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6B"));
  EXPECT_FALSE(NmeaChecksumOk("$GPRMC,1*ZZ"));
}

TEST(Nmea, RmcAndGgaOfOneSecondMakeOneFix) {
  NmeaStats st;
  std::vector<GpsFix> fixes = ParseNmea(std::string(kRmc) + "\r\n" + kGga + "\r\n", &st);
  ASSERT_EQ(fixes.size(), 1u);
  const GpsFix& f = fixes[0];
  EXPECT_EQ(f.time, ParseIso8601("1994-03-23T12:35:19Z").value());
  EXPECT_NEAR(f.pos.lat, 48 + 7.038 / 60, 1e-9);
  EXPECT_NEAR(f.pos.lon, 11 + 31.0 / 60, 1e-9);
  ASSERT_TRUE(f.speed_kmh && f.heading_deg && f.accuracy_m);
  EXPECT_NEAR(*f.speed_kmh, 22.4 * 1.852, 1e-9);
  EXPECT_NEAR(*f.heading_deg, 84.4, 1e-9);
  EXPECT_NEAR(*f.accuracy_m, 4.5, 1e-9);
  EXPECT_EQ(st.bad(), 0);
  EXPECT_EQ(st.fixes, 1);
}

TEST(Nmea, ConsecutiveSecondsGiveOneFixEach) {
  std::string text;
  for (int s = 0; s < 3; ++s) {
    char t[16];
    std::snprintf(t, sizeof t, "1000%02d", s);
    text += Sentence("GNGGA," + std::string(t) + ",5540.5660,N,01234.0980,E,1,10,1.2,10,M,40,M,,") +
            "\n";
    text += Sentence("GNRMC," + std::string(t) +
                     ".00,A,5540.5660,N,01234.0980,E,10.0,90.0,150126,,,A") +
            "\n";
  }
  std::vector<GpsFix> fixes = ParseNmea(text);
  ASSERT_EQ(fixes.size(), 3u);
  EXPECT_EQ(fixes[0].time, ParseIso8601("2026-01-15T10:00:00Z").value());
  EXPECT_EQ(fixes[2].time - fixes[0].time, 2000);
  EXPECT_NEAR(fixes[1].pos.lat, 55 + 40.566 / 60, 1e-9);
  EXPECT_NEAR(fixes[1].pos.lon, 12 + 34.098 / 60, 1e-9);
  ASSERT_TRUE(fixes[1].accuracy_m);
  EXPECT_NEAR(*fixes[1].accuracy_m, 6.0, 1e-9);
  EXPECT_NEAR(*fixes[1].speed_kmh, 18.52, 1e-9);
}

TEST(Nmea, BadChecksumIsCountedAndSkipped) {
  std::string bad = kRmc;
  bad.back() = 'B';  // *6B
  NmeaStats st;
  std::vector<GpsFix> fixes = ParseNmea(bad + "\n", &st);
  EXPECT_TRUE(fixes.empty());
  EXPECT_EQ(st.bad_checksum, 1);
  EXPECT_EQ(st.bad(), 1);
}

TEST(Nmea, VoidStatusAndNoFixQualityAreCountedNotFatal) {
  std::string text = Sentence("GPRMC,100000,V,5540.5660,N,01234.0980,E,0.0,0.0,150126,,") + "\n" +
                     Sentence("GPGGA,100001,,,,,0,00,99.9,,M,,M,,") + "\n" +
                     Sentence("GPRMC,100002,A,5540.5660,N,01234.0980,E,0.0,,150126,,") + "\n";
  NmeaStats st;
  std::vector<GpsFix> fixes = ParseNmea(text, &st);
  ASSERT_EQ(fixes.size(), 1u);
  EXPECT_EQ(fixes[0].time, ParseIso8601("2026-01-15T10:00:02Z").value());
  EXPECT_FALSE(fixes[0].heading_deg.has_value());
  EXPECT_EQ(st.no_fix, 2);
  EXPECT_EQ(st.bad(), 2);
}

TEST(Nmea, GarbageAndMalformedLinesAreCounted) {
  std::string text = std::string("hello world\n") +
                     Sentence("GPRMC,xx,A,5540.5660,N,01234.0980,E,0.0,0.0,150126,,") + "\n" +
                     Sentence("GPRMC,100000,A,9940.5660,N,01234.0980,E,0.0,0.0,150126,,") + "\n" +
                     Sentence("GPGSV,3,1,11,03,03,111,00") + "\n\n" + kRmc + "\n";
  NmeaStats st;
  std::vector<GpsFix> fixes = ParseNmea(text, &st);
  EXPECT_EQ(fixes.size(), 1u);
  EXPECT_EQ(st.malformed, 3);
  EXPECT_EQ(st.ignored, 1);  // GSV is not an error
  EXPECT_EQ(st.bad(), 3);
}

TEST(Nmea, SouthAndWestAreNegative) {
  std::vector<GpsFix> fixes =
      ParseNmea(Sentence("GPRMC,000000,A,3351.000,S,07038.000,W,0,0,010126,,"));
  ASSERT_EQ(fixes.size(), 1u);
  EXPECT_NEAR(fixes[0].pos.lat, -(33 + 51.0 / 60), 1e-9);
  EXPECT_NEAR(fixes[0].pos.lon, -(70 + 38.0 / 60), 1e-9);
}

TEST(Nmea, GgaOnlySecondsUseTheLastRmcDateAndEarlierOnesAreUndated) {
  std::string text = Sentence("GPGGA,100000,5540.5660,N,01234.0980,E,1,08,1.0,10,M,40,M,,") + "\n" +
                     Sentence("GPRMC,100001,A,5540.5660,N,01234.0980,E,0,0,150126,,") + "\n" +
                     Sentence("GPGGA,100002,5540.5660,N,01234.0980,E,1,08,1.0,10,M,40,M,,");
  NmeaStats st;
  std::vector<GpsFix> fixes = ParseNmea(text, &st);
  ASSERT_EQ(fixes.size(), 2u);
  EXPECT_EQ(fixes[1].time, ParseIso8601("2026-01-15T10:00:02Z").value());
  EXPECT_EQ(st.undated, 1);
}

}  // namespace
}  // namespace tilsyn::agent
