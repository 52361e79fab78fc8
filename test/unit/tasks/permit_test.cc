#include "tasks/permit.h"

#include <gtest/gtest.h>

#include "core/time_format.h"
#include "tasks/permit_import.h"

namespace tilsyn::tasks {
namespace {

Json ValidPermit() {
  return Json::parse(R"({"id": "TMF-1", "holder": "Container Service ApS",
    "area": {"type": "Point", "coordinates": [12.579, 55.679], "radius_m": 15},
    "valid_from": "2026-12-01T00:00:00Z", "valid_to": "2027-01-01T00:00:00Z"})");
}

TEST(Permit, JsonRoundTripsAndValidity) {
  auto p = PermitFromJson(ValidPermit());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->kind, "container");
  EXPECT_TRUE(p->ValidAt(*ParseIso8601("2026-12-24T12:00:00Z")));
  EXPECT_FALSE(p->ValidAt(*ParseIso8601("2027-01-01T00:00:00Z")));  // end exclusive
  auto again = PermitFromJson(PermitToJson(*p));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->holder, p->holder);
  EXPECT_EQ(again->valid_to, p->valid_to);
}

TEST(Permit, BadFieldsAreNamed) {
  struct Case {
    const char* field;
    Json value;
    const char* error_field;
  };
  const Case cases[] = {
      {"id", "", "permits[0].id"},
      {"valid_from", "tomorrow", "permits[0].valid_from"},
      {"valid_to", "2026-11-01T00:00:00Z", "permits[0].valid_to"},
      {"area",
       Json::parse(R"({"type":"LineString","coordinates":[[12.5,55.6],[12.6,55.6]],"buffer_m":5})"),
       "permits[0].area.type"},
      {"area", Json::parse(R"({"type":"Point","coordinates":[12.5,95]})"),
       "permits[0].area.coordinates"},
  };
  for (const Case& c : cases) {
    Json j = ValidPermit();
    j[c.field] = c.value;
    auto p = PermitFromJson(j, "permits[0]");
    ASSERT_FALSE(p.ok()) << c.field;
    EXPECT_EQ(p.status().field(), c.error_field) << p.status().ToString();
  }
}

TEST(PermitImport, CsvWithMappedColumnsQuotesDatesAndBadRows) {
  const std::string csv =
      "Tilladelse;Indehaver;Bredde;Laengde;Fra;Til\n"
      "TMF-1;\"Container Service, ApS\";55.6790;12.5790;2026-12-01;2026-12-31\n"
      "TMF-2;Nobody;abc;12.58;2026-12-01;2026-12-31\n"
      "\n"
      "TMF-3;Bygherre;55.68;12.58;2026-12-01T06:00:00Z;2026-12-02T18:00:00Z\n";
  auto cols = ParsePermitColumns(
      "id=Tilladelse,holder=Indehaver,lat=Bredde,lon=Laengde,valid_from=Fra,valid_to=Til");
  ASSERT_TRUE(cols.ok());
  auto r = ParsePermits(csv, "p.csv", *cols);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->permits.size(), 2u);
  EXPECT_EQ(r->permits[0].holder, "Container Service, ApS");
  // A date names the last day covered: valid until the start of the next day.
  EXPECT_EQ(r->permits[0].valid_to, *ParseIso8601("2027-01-01T00:00:00Z"));
  EXPECT_EQ(r->permits[1].valid_from, *ParseIso8601("2026-12-01T06:00:00Z"));
  ASSERT_EQ(r->bad.size(), 1u);
  EXPECT_EQ(r->bad[0], "p.csv:3: lat is not a number");
}

TEST(PermitImport, CsvNeedsItsColumnsAndAValidMapping) {
  EXPECT_EQ(ParsePermitColumns("colour=x").status().field(), "columns");
  EXPECT_EQ(ParsePermitColumns("id").status().field(), "columns");
  auto r = ParsePermits("id,lat,lon\nA,55,12\n", "p.csv", {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("valid_from"), std::string::npos);
  EXPECT_FALSE(ParsePermits("", "p.csv", {}).ok());
}

TEST(PermitImport, GeoJsonPointsAndPolygons) {
  const std::string gj = R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [12.579, 55.679]},
     "properties": {"id": "P1", "radius_m": 25, "valid_from": "2026-12-01", "valid_to": "2026-12-31"}},
    {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[12.5,55.6],[12.501,55.6],[12.501,55.601],[12.5,55.6]]]},
     "properties": {"id": "P2", "kind": "scaffold", "valid_from": "2026-12-01", "valid_to": "2026-12-31"}},
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [12.579, 55.679]},
     "properties": {"id": "P3", "valid_from": "2026-12-01"}}]})";
  auto r = ParsePermits(gj, "p.geojson", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->permits.size(), 2u);
  EXPECT_EQ(r->permits[0].area.ToGeoJson()["radius_m"], 25.0);
  EXPECT_EQ(r->permits[1].kind, "scaffold");
  ASSERT_EQ(r->bad.size(), 1u);
  EXPECT_NE(r->bad[0].find("p.geojson:features[2]: valid_to is missing"), std::string::npos)
      << r->bad[0];
  EXPECT_FALSE(ParsePermits(R"({"type": "Feature"})", "x", {}).ok());
  // Found by fuzz_permits: a "type" that is not a string threw instead of being refused.
  EXPECT_FALSE(ParsePermits(R"({"type": 5})", "x", {}).ok());
  auto typed = ParsePermits(R"({"type": "FeatureCollection", "features": [{"type": "Feature",
      "geometry": {"type": ["Point"], "coordinates": [12.579, 55.679]},
      "properties": {"id": "P9", "valid_from": "2026-12-01", "valid_to": "2026-12-31"}}]})", "x", {});
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(typed->bad.size(), 1u);
}

}  // namespace
}  // namespace tilsyn::tasks
