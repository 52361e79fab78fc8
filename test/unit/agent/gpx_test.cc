#include "agent/gps/gpx.h"

#include <gtest/gtest.h>

#include "core/time_format.h"
#include "geo/latlon.h"

namespace tilsyn::agent {
namespace {

constexpr const char* kGpx = R"(<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"
     xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2">
  <trk><name>sweeper</name><trkseg>
    <trkpt lat="55.6761" lon="12.5683"><ele>10</ele><time>2026-01-15T10:00:00Z</time>
      <hdop>1.5</hdop></trkpt>
    <trkpt lon='12.5700' lat='55.6761'>
      <time>2026-01-15T10:00:10Z</time>
      <extensions><gpxtpx:TrackPointExtension><gpxtpx:speed>5.0</gpxtpx:speed>
      <gpxtpx:course>91</gpxtpx:course></gpxtpx:TrackPointExtension></extensions>
    </trkpt>
    <trkpt lat="55.6770" lon="12.5700"><time>2026-01-15T10:00:20Z</time></trkpt>
    <trkpt lat="55.6771" lon="12.5700"></trkpt>
    <trkpt lat="abc" lon="12.5700"><time>2026-01-15T10:00:30Z</time></trkpt>
    <trkpt lat="55.6771" lon="12.5700"><time>not a time</time></trkpt>
  </trkseg></trk>
</gpx>)";

TEST(Gpx, ParsesTrackPointsWithTimeSpeedCourseAndHdop) {
  GpxStats st;
  std::vector<GpsFix> fixes = ParseGpx(kGpx, &st);
  ASSERT_EQ(fixes.size(), 3u);
  EXPECT_EQ(st.points, 6);
  EXPECT_EQ(st.bad, 3);
  EXPECT_DOUBLE_EQ(fixes[0].pos.lat, 55.6761);
  EXPECT_DOUBLE_EQ(fixes[0].pos.lon, 12.5683);
  EXPECT_EQ(fixes[0].time, ParseIso8601("2026-01-15T10:00:00Z").value());
  ASSERT_TRUE(fixes[0].accuracy_m);
  EXPECT_DOUBLE_EQ(*fixes[0].accuracy_m, 7.5);
  // Explicit speed (m/s) and course win over derived values.
  EXPECT_DOUBLE_EQ(fixes[1].pos.lon, 12.57);
  EXPECT_NEAR(*fixes[1].speed_kmh, 18.0, 1e-9);
  EXPECT_NEAR(*fixes[1].heading_deg, 91.0, 1e-9);
}

TEST(Gpx, DerivesSpeedAndHeadingFromNeighbours) {
  std::vector<GpsFix> fixes = ParseGpx(kGpx);
  ASSERT_EQ(fixes.size(), 3u);
  // Third point: ~100 m north of the second in 10 s.
  double d = geo::DistanceM(fixes[1].pos, fixes[2].pos);
  ASSERT_TRUE(fixes[2].speed_kmh && fixes[2].heading_deg);
  EXPECT_NEAR(*fixes[2].speed_kmh, d / 10 * 3.6, 1e-6);
  EXPECT_NEAR(*fixes[2].heading_deg, 0.0, 1.0);
  // First point: derived towards the second (east).
  ASSERT_TRUE(fixes[0].heading_deg);
  EXPECT_NEAR(*fixes[0].heading_deg, 90.0, 1.0);
}

TEST(Gpx, StandingStillHasNoHeading) {
  std::vector<GpsFix> fixes = ParseGpx(
      R"(<gpx><trk><trkseg><trkpt lat="55.0" lon="12.0"><time>2026-01-15T10:00:00Z</time></trkpt>
         <trkpt lat="55.0" lon="12.0"><time>2026-01-15T10:00:01Z</time></trkpt></trkseg></trk></gpx>)");
  ASSERT_EQ(fixes.size(), 2u);
  EXPECT_FALSE(fixes[1].heading_deg.has_value());
  ASSERT_TRUE(fixes[1].speed_kmh);
  EXPECT_DOUBLE_EQ(*fixes[1].speed_kmh, 0.0);
}

TEST(Gpx, EmptyOrNonGpxTextGivesNoFixes) {
  EXPECT_TRUE(ParseGpx("").empty());
  EXPECT_TRUE(ParseGpx("<html><trkptx lat=\"1\" lon=\"2\"/></html>").empty());
}

}  // namespace
}  // namespace tilsyn::agent
