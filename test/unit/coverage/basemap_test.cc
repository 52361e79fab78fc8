// The city's base map: `tilsyn import basemap` through GDAL (GeoJSON here, written by the test;
// one file in EPSG:25832), the stored layers (a re-import replaces its layer, --remove drops
// it) and the cache the server reads (a box query, a reload when the file changes).
#include "coverage/basemap/basemap.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "coverage/basemap/basemap_cli.h"
#include "coverage/basemap/basemap_import.h"
#include "fakes/test_paths.h"

namespace tilsyn::coverage {
namespace {

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// Two named street segments (one of them Danish), a building without a name and a feature
// without a geometry.
constexpr const char* kStreets = R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"vejnavn":"Åboulevard"},
  "geometry":{"type":"LineString","coordinates":[[12.550,55.685],[12.555,55.683]]}},
 {"type":"Feature","properties":{"vejnavn":"Åboulevard"},
  "geometry":{"type":"LineString","coordinates":[[12.555,55.683],[12.560,55.681]]}},
 {"type":"Feature","properties":{"name":"Rådhuspladsen"},
  "geometry":{"type":"Polygon","coordinates":[[[12.568,55.675],[12.570,55.675],[12.570,55.677],[12.568,55.677],[12.568,55.675]]]}},
 {"type":"Feature","properties":{"id":7},"geometry":null}
]})";

// A building in ETRS89 / UTM 32N (EPSG:25832), near Copenhagen's town hall.
constexpr const char* kUtm = R"({"type":"FeatureCollection",
 "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},
 "features":[{"type":"Feature","properties":{"navn":"Rådhuset"},
  "geometry":{"type":"Polygon","coordinates":[[[724000,6175500],[724050,6175500],[724050,6175550],[724000,6175550],[724000,6175500]]]}}]})";

TEST(Basemap, ImportReadsNamesGeometriesAndSkipsWhatHasNone) {
  tilsyn::testing::TempDir dir;
  Write(dir.Sub("streets.geojson"), kStreets);
  std::vector<BasemapFeature> features;
  BasemapImportResult r;
  ASSERT_TRUE(
      ImportBasemapFile(dir.Sub("streets.geojson"), {"streets", {"name", "vejnavn"}}, &features, &r)
          .ok());
  EXPECT_EQ(r.features, 4);
  EXPECT_EQ(r.imported, 3);
  EXPECT_EQ(r.named, 3);
  EXPECT_EQ(r.bad, 1);
  ASSERT_EQ(features.size(), 3u);
  EXPECT_EQ(features[0].name, "Åboulevard");
  EXPECT_EQ(features[0].layer, "streets");
  EXPECT_EQ(features[0].geometry["type"], "LineString");
  EXPECT_NEAR(features[0].box.min_lon, 12.550, 1e-9);
  EXPECT_NEAR(features[0].box.max_lat, 55.685, 1e-9);
  EXPECT_EQ(features[2].geometry["type"], "Polygon");
}

TEST(Basemap, ImportReprojectsToWgs84) {
  tilsyn::testing::TempDir dir;
  Write(dir.Sub("utm.geojson"), kUtm);
  std::vector<BasemapFeature> features;
  BasemapImportResult r;
  ASSERT_TRUE(
      ImportBasemapFile(dir.Sub("utm.geojson"), {"buildings", {"navn"}}, &features, &r).ok());
  ASSERT_EQ(features.size(), 1u);
  EXPECT_EQ(features[0].name, "Rådhuset");
  // Lon/lat in degrees around Copenhagen, in GeoJSON's order.
  EXPECT_GT(features[0].box.min_lon, 12.4);
  EXPECT_LT(features[0].box.max_lon, 12.7);
  EXPECT_GT(features[0].box.min_lat, 55.6);
  EXPECT_LT(features[0].box.max_lat, 55.8);
  const double lon = features[0].geometry["coordinates"][0][0][0].get<double>();
  EXPECT_NEAR(lon, features[0].box.min_lon, 1e-3);
}

TEST(Basemap, RefusesWhatIsNotVectorData) {
  tilsyn::testing::TempDir dir;
  Write(dir.Sub("x.geojson"), "not json at all");
  std::vector<BasemapFeature> features;
  BasemapImportResult r;
  Status s = ImportBasemapFile(dir.Sub("x.geojson"), {"x", {}}, &features, &r);
  EXPECT_EQ(s.field(), "files");
  EXPECT_EQ(ImportBasemapFile(dir.Sub("x.geojson"), {"", {}}, &features, &r).field(), "layer");
}

TEST(Basemap, TheCacheAnswersBoxesAndReloadsWhenTheFileChanges) {
  tilsyn::testing::TempDir dir;
  const std::string path = BasemapFile(dir.path());
  BasemapCache cache(path);
  geo::BBox city;
  city.min_lat = 55.60;
  city.min_lon = 12.50;
  city.max_lat = 55.70;
  city.max_lon = 12.60;
  auto none = cache.Query(city, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->features.empty());  // nothing imported yet

  Write(dir.Sub("streets.geojson"), kStreets);
  std::vector<BasemapFeature> features;
  BasemapImportResult r;
  ASSERT_TRUE(
      ImportBasemapFile(dir.Sub("streets.geojson"), {"streets", {"name", "vejnavn"}}, &features, &r)
          .ok());
  ASSERT_TRUE(SaveBasemap(path, features).ok());
  auto some = cache.Query(city, 2);
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(some->matched, 3);
  EXPECT_EQ(some->features.size(), 2u);
  EXPECT_TRUE(some->truncated);
  geo::BBox square;
  square.min_lat = 55.6745;
  square.min_lon = 12.5675;
  square.max_lat = 55.6755;
  square.max_lon = 12.5685;
  auto one = cache.Query(square, 10);
  ASSERT_EQ(one->features.size(), 1u);
  EXPECT_EQ(one->features[0]->name, "Rådhuspladsen");

  Write(path, "{\"layer\":\"x\"}\n");
  std::filesystem::last_write_time(
      path, std::filesystem::last_write_time(path) + std::chrono::seconds(2));
  // The server's own file is broken, not the request: Internal, naming the line (for the log).
  auto broken = cache.Query(city, 10);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), Code::kInternal);
  EXPECT_NE(broken.status().message().find(":1:"), std::string::npos);
}

TEST(Basemap, ImportingALayerAgainReplacesItAndRemoveDropsIt) {
  tilsyn::testing::TempDir dir;
  Write(dir.Sub("streets.geojson"), kStreets);
  Write(dir.Sub("utm.geojson"), kUtm);
  ImportBasemapFlags f;
  f.data_dir = dir.path();
  f.layer = "streets";
  f.files = {dir.Sub("streets.geojson")};
  ASSERT_EQ(RunImportBasemap(f), 0);
  ASSERT_EQ(RunImportBasemap(f), 0);  // again: replaced, not doubled
  ImportBasemapFlags b = f;
  b.layer = "buildings";
  b.files = {dir.Sub("utm.geojson")};
  ASSERT_EQ(RunImportBasemap(b), 0);
  auto all = LoadBasemap(BasemapFile(dir.path()));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 4u);
  ImportBasemapFlags remove;
  remove.data_dir = dir.path();
  remove.layer = "streets";
  remove.remove = true;
  ASSERT_EQ(RunImportBasemap(remove), 0);
  all = LoadBasemap(BasemapFile(dir.path()));
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].layer, "buildings");
  // Bad usage: no layer, or files with --remove.
  ImportBasemapFlags bad = f;
  bad.layer = "";
  EXPECT_EQ(RunImportBasemap(bad), 2);
  remove.files = {dir.Sub("streets.geojson")};
  EXPECT_EQ(RunImportBasemap(remove), 2);
}

}  // namespace
}  // namespace tilsyn::coverage
