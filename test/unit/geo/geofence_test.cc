#include "geo/geofence.h"

#include <gtest/gtest.h>

#include <cmath>

#include "geo/geofence_index.h"

namespace tilsyn::geo {
namespace {

constexpr LatLon kCph{55.6761, 12.5683};

Geofence Parse(const char* text) {
  auto g = Geofence::FromGeoJson(Json::parse(text), "area");
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return *g;
}

Status ParseError(const char* text) {
  auto g = Geofence::FromGeoJson(Json::parse(text), "area");
  EXPECT_FALSE(g.ok());
  return g.status();
}

TEST(Geofence, CircleContainsWithinRadius) {
  Geofence g = Geofence::Circle(kCph, 30);
  EXPECT_TRUE(g.Contains(kCph));
  EXPECT_TRUE(g.Contains(Offset(kCph, 90, 29.9)));
  EXPECT_FALSE(g.Contains(Offset(kCph, 90, 30.2)));
  EXPECT_NEAR(g.DistanceM(Offset(kCph, 0, 50)), 20, 0.05);
}

// A 100 m square with a 20 m square hole in the middle (x = east, y = north, metres):
//   +---------+
//   |  +--+   |
//   |  |  |   |   hole: 40..60
//   |  +--+   |
//   +---------+   outer: 0..100
TEST(Geofence, PolygonWithHole) {
  LatLon o = kCph;
  auto at = [&](double x, double y) { return Offset(Offset(o, 90, x), 0, y); };
  Json outer = Json::array(), hole = Json::array();
  for (auto [x, y] : std::vector<std::pair<double, double>>{{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}}) {
    LatLon p = at(x, y);
    outer.push_back({p.lon, p.lat});
  }
  for (auto [x, y] : std::vector<std::pair<double, double>>{{40, 40}, {60, 40}, {60, 60}, {40, 60}, {40, 40}}) {
    LatLon p = at(x, y);
    hole.push_back({p.lon, p.lat});
  }
  Json geom = {{"type", "Polygon"}, {"coordinates", {outer, hole}}};
  auto g = Geofence::FromGeoJson(geom, "area");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_TRUE(g->Contains(at(10, 10)));
  EXPECT_FALSE(g->Contains(at(50, 50)));   // inside the hole
  EXPECT_TRUE(g->Contains(at(40, 50)));    // on the hole's edge counts as inside
  EXPECT_FALSE(g->Contains(at(120, 50)));
  EXPECT_NEAR(g->DistanceM(at(120, 50)), 20, 0.1);
}

TEST(Geofence, CorridorFollowsLine) {
  Geofence g = Parse(R"({"type":"LineString","coordinates":[[12.5683,55.6761],[12.5783,55.6761]],"buffer_m":10})");
  EXPECT_TRUE(g.Contains({55.6761 + 0.00005, 12.5733}));   // ~5.6 m north of the middle
  EXPECT_FALSE(g.Contains({55.6761 + 0.0002, 12.5733}));   // ~22 m north
  EXPECT_FALSE(g.Contains({55.6761, 12.5683 - 0.0003}));   // beyond the start
}

TEST(Geofence, RejectsSelfIntersectingPolygon) {
  Status s = ParseError(R"({"type":"Polygon","coordinates":[[[12.0,55.0],[12.01,55.01],[12.01,55.0],[12.0,55.01],[12.0,55.0]]]})");
  EXPECT_EQ(s.field(), "area.coordinates[0]");
  EXPECT_NE(s.message().find("intersects"), std::string::npos);
}

// Found from outside: a 100,000-vertex polygon took 22 s to validate and slowed every later
// request. Above 10,000 vertices an area is refused before any geometry work.
TEST(Geofence, RejectsMoreThanTenThousandVertices) {
  auto circle = [](int n) {
    Json ring = Json::array();
    for (int i = 0; i < n; ++i) {
      const double a = 2 * M_PI * i / n;
      ring.push_back({12.5683 + 0.01 * std::cos(a), 55.6761 + 0.006 * std::sin(a)});
    }
    ring.push_back(ring[0]);
    return ring;
  };
  Json poly = {{"type", "Polygon"}, {"coordinates", {circle(100'000)}}};
  auto r = Geofence::FromGeoJson(poly, "area");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "area.coordinates");
  EXPECT_NE(r.status().message().find("100001"), std::string::npos) << r.status().ToString();
  poly["coordinates"] = {circle(5'000)};
  EXPECT_TRUE(Geofence::FromGeoJson(poly, "area").ok());
  Json line = {{"type", "LineString"}, {"coordinates", circle(20'000)}, {"buffer_m", 5}};
  EXPECT_EQ(Geofence::FromGeoJson(line, "area").status().field(), "area.coordinates");
}

TEST(Geofence, RejectsBadCoordinatesAndRadius) {
  EXPECT_EQ(ParseError(R"({"type":"Point","coordinates":[12.5,91],"radius_m":10})").field(), "area.coordinates");
  EXPECT_EQ(ParseError(R"({"type":"Point","coordinates":[12.5,55],"radius_m":0})").field(), "area.radius_m");
  EXPECT_EQ(ParseError(R"({"type":"Point","coordinates":[12.5,55],"radius_m":-3})").field(), "area.radius_m");
  EXPECT_EQ(ParseError(R"({"type":"Point","coordinates":[12.5,55]})").field(), "area.radius_m");
  EXPECT_EQ(ParseError(R"({"type":"Polygon","coordinates":[[[12.0,55.0],[12.01,55.01],[12.0,55.0]]]})").field(), "area.coordinates[0]");
  EXPECT_EQ(ParseError(R"({"type":"Polygon","coordinates":[[[12.0,55.0],[12.01,55.0],[12.01,55.01],[12.0,55.02]]]})").field(), "area.coordinates[0]");
  EXPECT_EQ(ParseError(R"({"type":"MultiPoint","coordinates":[]})").field(), "area.type");
  EXPECT_EQ(ParseError(R"({"type":"LineString","coordinates":[[12.0,55.0],[12.1,55.0]],"buffer_m":0})").field(), "area.buffer_m");
}

TEST(Geofence, GeoJsonRoundTrip) {
  Geofence g = Parse(R"({"type":"Point","coordinates":[12.5683,55.6761],"radius_m":25})");
  Geofence h = Parse(g.ToGeoJson().dump().c_str());
  EXPECT_EQ(h.ToGeoJson(), g.ToGeoJson());
}

TEST(GeofenceIndex, FindsContainingFencesAndForgetsRemoved) {
  auto idx = NewScanGeofenceIndex();
  idx->Upsert("a", Geofence::Circle(kCph, 50));
  idx->Upsert("b", Geofence::Circle(Offset(kCph, 90, 60), 50));
  idx->Upsert("c", Geofence::Circle(Offset(kCph, 0, 5000), 50));
  auto hits = idx->Query(Offset(kCph, 90, 30));
  std::sort(hits.begin(), hits.end());
  EXPECT_EQ(hits, (std::vector<std::string>{"a", "b"}));
  idx->Remove("a");
  EXPECT_EQ(idx->Query(Offset(kCph, 90, 30)), std::vector<std::string>{"b"});
  EXPECT_EQ(idx->size(), 2u);
}

TEST(LatLon, HeadingDifferenceWrapsAround) {
  EXPECT_DOUBLE_EQ(HeadingDiffDeg(359, 1), 2);
  EXPECT_DOUBLE_EQ(HeadingDiffDeg(10, 190), 180);
  EXPECT_NEAR(BearingDeg(kCph, Offset(kCph, 90, 100)), 90, 0.01);
  EXPECT_NEAR(DistanceM(kCph, Offset(kCph, 45, 1234)), 1234, 0.01);
}

}  // namespace
}  // namespace tilsyn::geo
