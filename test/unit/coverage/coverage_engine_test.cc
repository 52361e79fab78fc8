#include "coverage/coverage_engine.h"

#include <gtest/gtest.h>

#include "core/time_format.h"
#include "coverage/history/memory_position_history.h"
#include "geo/latlon.h"

namespace tilsyn::coverage {
namespace {

const geo::LatLon kSite{55.6761, 12.5683};
const TimeMs kT0 = ParseIso8601("2024-01-01T07:00:00Z").value();  // a Monday

// A straight drive east through kSite at `kmh`, one fix a second, starting 200 m west at t0.
std::vector<HistoryFix> DriveThrough(TimeMs t0, double kmh, double north_m = 0) {
  std::vector<HistoryFix> out;
  geo::LatLon start = geo::Offset(geo::Offset(kSite, 270, 200), 0, north_m);
  double mps = kmh / 3.6;
  for (int i = 0; i * mps <= 400; ++i)
    out.push_back({t0 + i * 1000, geo::Offset(start, 90, i * mps)});
  return out;
}

std::vector<Site> OneSite(double radius_m = 30) {
  return {Site{"task-1", "Bridge", geo::Geofence::Circle(kSite, radius_m)}};
}

TEST(Coverage, EachDriveThroughIsOnePassWithSpeedHourAndDay) {
  MemoryPositionHistory h;
  ASSERT_TRUE(h.Append("bus", DriveThrough(kT0, 36)).ok());
  ASSERT_TRUE(h.Append("bus", DriveThrough(kT0 + 3'600'000, 36)).ok());   // same day, 08:00
  ASSERT_TRUE(h.Append("bus", DriveThrough(kT0 + 2 * kDayMs, 36)).ok());  // Wednesday
  ASSERT_TRUE(h.Append("van", DriveThrough(kT0, 36, 500)).ok());          // passes 500 m north
  CoverageOptions o;
  o.threads = 2;
  auto r = ComputeCoverage(h, OneSite(), o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->period_days, 2);
  EXPECT_EQ(r->vehicle_days, 3);
  ASSERT_EQ(r->sites.size(), 1u);
  const SiteCoverage& s = r->sites[0];
  EXPECT_EQ(s.passes, 3);
  ASSERT_EQ(s.vehicles.size(), 1u);  // the van never entered
  const VehicleCoverage& v = s.vehicles[0];
  EXPECT_EQ(v.vehicle, "bus");
  EXPECT_EQ(v.days_with_pass, 2);
  EXPECT_EQ(v.weeks_with_pass, 1);
  EXPECT_DOUBLE_EQ(v.passes_per_day, 1.5);
  EXPECT_DOUBLE_EQ(v.passes_per_week, 10.5);
  EXPECT_EQ(v.hour_profile[7], 2);
  EXPECT_EQ(v.hour_profile[8], 1);
  EXPECT_NEAR(v.median_speed_kmh, 36, 0.5);
  EXPECT_EQ(v.lane.lane, "unknown");  // no network loaded
}

TEST(Coverage, StoppingInsideIsOnePassAndLeavingForLongerThanTheGapIsTwo) {
  MemoryPositionHistory h;
  std::vector<HistoryFix> stop;
  for (int i = 0; i < 600; ++i) stop.push_back({kT0 + i * 1000, kSite});  // 10 min parked
  ASSERT_TRUE(h.Append("parked", stop).ok());
  std::vector<HistoryFix> away;
  geo::LatLon far = geo::Offset(kSite, 0, 1000);
  for (int i = 0; i < 10; ++i) away.push_back({kT0 + i * 1000, kSite});
  for (int i = 10; i < 100; ++i) away.push_back({kT0 + i * 1000, far});  // 90 s away > 60 s gap
  for (int i = 100; i < 110; ++i) away.push_back({kT0 + i * 1000, kSite});
  for (int i = 110; i < 140; ++i) away.push_back({kT0 + i * 1000, far});  // 30 s away < gap
  for (int i = 140; i < 150; ++i) away.push_back({kT0 + i * 1000, kSite});
  ASSERT_TRUE(h.Append("shuttle", away).ok());
  CoverageOptions o;
  o.threads = 1;
  auto r = ComputeCoverage(h, OneSite(), o);
  ASSERT_TRUE(r.ok());
  std::map<std::string, int64_t> passes;
  for (const auto& v : r->sites[0].vehicles) passes[v.vehicle] = v.passes;
  EXPECT_EQ(passes["parked"], 1);
  EXPECT_EQ(passes["shuttle"], 2);
  EXPECT_EQ(r->sites[0].vehicles[0].vehicle, "shuttle");  // most passes first
}

TEST(Coverage, APassAcrossUtcMidnightCountsOnceOnTheDayItStarted) {
  // Parked at the site from 23:55 to 00:05 UTC, then a drive-through the next morning; and a
  // second vehicle that leaves at 23:59:50 and comes back at 00:00:30 (within the pass gap).
  const TimeMs midnight = kT0 - 7 * 3'600'000 + kDayMs;  // Tuesday 00:00 UTC
  MemoryPositionHistory h;
  std::vector<HistoryFix> parked;
  for (TimeMs t = midnight - 300'000; t <= midnight + 300'000; t += 1000)
    parked.push_back({t, kSite});
  ASSERT_TRUE(h.Append("parked", parked).ok());
  ASSERT_TRUE(h.Append("parked", DriveThrough(midnight + 8 * 3'600'000, 36)).ok());
  geo::LatLon far = geo::Offset(kSite, 0, 1000);
  std::vector<HistoryFix> hop;
  for (TimeMs t = midnight - 60'000; t < midnight - 10'000; t += 1000) hop.push_back({t, kSite});
  for (TimeMs t = midnight - 10'000; t < midnight + 30'000; t += 1000) hop.push_back({t, far});
  for (TimeMs t = midnight + 30'000; t < midnight + 90'000; t += 1000) hop.push_back({t, kSite});
  ASSERT_TRUE(h.Append("hop", hop).ok());
  for (int threads : {1, 2}) {
    CoverageOptions o;
    o.threads = threads;
    auto r = ComputeCoverage(h, OneSite(), o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::map<std::string, const VehicleCoverage*> by;
    for (const auto& v : r->sites[0].vehicles) by[v.vehicle] = &v;
    ASSERT_EQ(by.size(), 2u);
    EXPECT_EQ(by["parked"]->passes, 2) << threads << " thread(s)";
    EXPECT_EQ(by["parked"]->hour_profile[23], 1);  // the night pass belongs to its start
    EXPECT_EQ(by["parked"]->hour_profile[8], 1);
    EXPECT_EQ(by["hop"]->passes, 1) << threads << " thread(s)";
    EXPECT_EQ(r->sites[0].passes, 3);
  }
  // Limited to the second day, the night pass is that day's (its start lies outside the period).
  CoverageOptions second;
  second.from_day = DayOf(midnight);
  auto r = ComputeCoverage(h, OneSite(), second);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sites[0].passes, 3);
}

TEST(Coverage, TimeOfDayProfileUsesTheConfiguredZone) {
  MemoryPositionHistory h;
  ASSERT_TRUE(h.Append("bus", DriveThrough(kT0, 30)).ok());  // 07:00 UTC = 08:00 in Copenhagen
  CoverageOptions o;
  o.time_zone = "Europe/Copenhagen";
  auto r = ComputeCoverage(h, OneSite(), o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sites[0].vehicles[0].hour_profile[8], 1);
  o.time_zone = "Mars/Olympus";
  EXPECT_EQ(ComputeCoverage(h, OneSite(), o).status().field(), "time_zone");
}

TEST(LaneVote, MajorityWithShareAndNoVotesIsUnknown) {
  PassLane l = VotePass({3, 7});
  EXPECT_EQ(l.kind, static_cast<int>(LaneKind::kCycleTrack));
  EXPECT_DOUBLE_EQ(l.share, 0.7);
  EXPECT_EQ(VotePass({0, 0}).kind, -1);
  EXPECT_EQ(VotePass({5, 5}).kind, static_cast<int>(LaneKind::kRoadway));  // ties: roadway
}

TEST(Coverage, LaneFollowsTheNearerNetworkKind) {
  // A road along the site's latitude and a cycle track 8 m north of it.
  StreetNetwork net;
  geo::LatLon w = geo::Offset(kSite, 270, 300), e = geo::Offset(kSite, 90, 300);
  net.Add({w, e, LaneKind::kRoadway});
  net.Add({geo::Offset(w, 0, 8), geo::Offset(e, 0, 8), LaneKind::kCycleTrack});
  net.Build();
  MemoryPositionHistory h;
  ASSERT_TRUE(h.Append("car", DriveThrough(kT0, 30, 0.5)).ok());
  ASSERT_TRUE(h.Append("bike", DriveThrough(kT0, 15, 8.5)).ok());
  CoverageOptions o;
  o.network = &net;
  auto r = ComputeCoverage(h, OneSite(40), o);
  ASSERT_TRUE(r.ok());
  std::map<std::string, LaneEstimate> lane;
  for (const auto& v : r->sites[0].vehicles) lane[v.vehicle] = v.lane;
  EXPECT_EQ(lane["car"].lane, "roadway");
  EXPECT_EQ(lane["bike"].lane, "cycle_track");
  EXPECT_DOUBLE_EQ(lane["bike"].confidence, 1.0);
}

TEST(StreetNetwork, NearestPerKindWithinRadius) {
  StreetNetwork net;
  net.Add({{55.0, 12.0}, {55.0, 12.01}, LaneKind::kRoadway});
  net.Add({{55.0001, 12.0}, {55.0001, 12.01}, LaneKind::kCycleTrack});  // ≈ 11 m north
  net.Build();
  auto d = net.Nearest({55.00002, 12.005}, 15);
  EXPECT_NEAR(d[0], 2.22, 0.05);
  EXPECT_NEAR(d[1], 8.9, 0.1);
  EXPECT_EQ(VoteFix(net, {55.00009, 12.005}, 15), static_cast<int>(LaneKind::kCycleTrack));
  EXPECT_EQ(VoteFix(net, {55.01, 12.005}, 15), -1);
}

TEST(StreetNetwork, GeoJsonImportWithKindMapCountsUnmappedFeatures) {
  const std::string text = R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"vejklasse":"Cykelsti langs vej"},
     "geometry":{"type":"LineString","coordinates":[[12.0,55.0],[12.001,55.0],[12.002,55.0]]}},
    {"type":"Feature","properties":{"vejklasse":"Motorvej"},
     "geometry":{"type":"MultiLineString","coordinates":[[[12.0,55.1],[12.001,55.1]]]}},
    {"type":"Feature","properties":{"vejklasse":"Sti"},
     "geometry":{"type":"LineString","coordinates":[[12.0,55.2],[12.001,55.2]]}},
    {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[12,55]}}]})";
  auto o = ParseKindMap("vejklasse:Cykelsti langs vej=cycle_track,Motorvej=roadway");
  ASSERT_TRUE(o.ok());
  StreetNetwork net;
  NetworkImportResult r;
  ASSERT_TRUE(ImportNetworkGeoJson(text, "n.geojson", *o, &net, &r).ok());
  EXPECT_EQ(r.features, 4);
  EXPECT_EQ(r.by_kind[1], 2);
  EXPECT_EQ(r.by_kind[0], 1);
  EXPECT_EQ(r.bad, 2);
  EXPECT_EQ(net.size(), 3u);
  EXPECT_FALSE(ParseKindMap("novalue").ok());
  NetworkImportOptions none;
  EXPECT_EQ(ImportNetworkGeoJson(text, "n", none, &net, &r).field(), "kind");
  // A geometry whose type is not a string is a bad feature, not an exception (found by fuzzing
  // the other GeoJSON readers).
  NetworkImportResult r2;
  ASSERT_TRUE(ImportNetworkGeoJson(R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"vejklasse":"Motorvej"},"geometry":{"type":7,"coordinates":[]}}]})",
                                   "n.geojson", *o, &net, &r2)
                  .ok());
  EXPECT_EQ(r2.bad, 1);
}

}  // namespace
}  // namespace tilsyn::coverage
