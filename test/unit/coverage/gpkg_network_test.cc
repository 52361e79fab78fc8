// GeoPackage street-network import through GDAL: a tiny GPKG written here with GDAL (one layer in
// EPSG:25832, one in EPSG:4326, with a Point feature and an unmapped kind as bad features), so
// it runs without ../shared; and the three BikeDNA GeoPackages from ../shared/data/bikedna
// (feature counts from its README, coordinates in WGS84 around Copenhagen and equal to the
// GeoJSON exports of the same layers).
#include <gdal/cpl_error.h>
#include <gdal/gdal.h>
#include <gdal/ogr_api.h>
#include <gdal/ogr_srs_api.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_util.h"
#include "coverage/coverage_cli.h"
#include "coverage/network/network_import.h"
#include "fakes/test_paths.h"
#include "geo/latlon.h"

namespace tilsyn::coverage {
namespace {

bool NearCopenhagen(geo::LatLon p) {
  return p.lat > 55.60 && p.lat < 55.76 && p.lon > 12.30 && p.lon < 12.70;
}

// Writes `path` with GDAL: layer "roads_utm" (EPSG:25832, field "vejklasse") and "tracks_wgs84"
// (EPSG:4326, lon/lat as written).
void WriteTinyGpkg(const std::string& path) {
  GDALAllRegister();
  CPLPushErrorHandler(CPLQuietErrorHandler);  // the Point in a LineString layer is on purpose
  GDALDriverH drv = GDALGetDriverByName("GPKG");
  ASSERT_NE(drv, nullptr);
  GDALDatasetH ds = GDALCreate(drv, path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  ASSERT_NE(ds, nullptr);

  OGRSpatialReferenceH utm = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(utm, 25832);
  OGRLayerH roads = GDALDatasetCreateLayer(ds, "roads_utm", utm, wkbLineString, nullptr);
  ASSERT_NE(roads, nullptr);
  OGRFieldDefnH fld = OGR_Fld_Create("vejklasse", OFTString);
  ASSERT_EQ(OGR_L_CreateField(roads, fld, TRUE), OGRERR_NONE);
  OGR_Fld_Destroy(fld);
  auto add = [](OGRLayerH layer, const char* klasse, OGRwkbGeometryType type,
                std::vector<std::pair<double, double>> pts) {
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    if (klasse) OGR_F_SetFieldString(f, 0, klasse);
    OGRGeometryH g = OGR_G_CreateGeometry(type);
    for (auto [x, y] : pts) OGR_G_AddPoint_2D(g, x, y);
    OGR_F_SetGeometryDirectly(f, g);
    EXPECT_EQ(OGR_L_CreateFeature(layer, f), OGRERR_NONE);
    OGR_F_Destroy(f);
  };
  // UTM 32N metres near Copenhagen's centre: a 100 m east-west road with a kink, a cycle track,
  // a "Sti" (path) that the kind map does not cover, and a point.
  add(roads, "Vej", wkbLineString, {{725000, 6176000}, {725100, 6176000}, {725100, 6176050}});
  add(roads, "Cykelsti langs vej", wkbLineString, {{725000, 6176010}, {725100, 6176010}});
  add(roads, "Sti", wkbLineString, {{725000, 6176020}, {725100, 6176020}});
  add(roads, "Vej", wkbPoint, {{725000, 6176030}});

  OGRSpatialReferenceH wgs = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(wgs, 4326);
  OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
  OGRLayerH tracks = GDALDatasetCreateLayer(ds, "tracks_wgs84", wgs, wkbMultiLineString, nullptr);
  ASSERT_NE(tracks, nullptr);
  fld = OGR_Fld_Create("vejklasse", OFTString);
  ASSERT_EQ(OGR_L_CreateField(tracks, fld, TRUE), OGRERR_NONE);
  OGR_Fld_Destroy(fld);
  OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(tracks));
  OGR_F_SetFieldString(f, 0, "Cykelsti langs vej");
  OGRGeometryH multi = OGR_G_CreateGeometry(wkbMultiLineString);
  for (double lat : {55.6761, 55.6771}) {
    OGRGeometryH l = OGR_G_CreateGeometry(wkbLineString);
    OGR_G_AddPoint_2D(l, 12.5683, lat);  // x = lon, y = lat
    OGR_G_AddPoint_2D(l, 12.5693, lat);
    OGR_G_AddGeometryDirectly(multi, l);
  }
  OGR_F_SetGeometryDirectly(f, multi);
  EXPECT_EQ(OGR_L_CreateFeature(tracks, f), OGRERR_NONE);
  OGR_F_Destroy(f);
  OSRRelease(utm);
  OSRRelease(wgs);
  GDALClose(ds);
  CPLPopErrorHandler();
}

TEST(GpkgNetwork, ReprojectsUtmLayersToWgs84AndMapsKindsFromFields) {
  testing::TempDir dir;
  const std::string path = dir.Sub("tiny.gpkg");
  WriteTinyGpkg(path);
  auto o = ParseKindMap("vejklasse:Vej=roadway,Cykelsti langs vej=cycle_track");
  ASSERT_TRUE(o.ok());
  StreetNetwork net;
  NetworkImportResult r;
  ASSERT_TRUE(ImportNetworkFile(path, *o, &net, &r).ok());
  EXPECT_EQ(r.features, 5);
  EXPECT_EQ(r.bad, 2);  // the unmapped "Sti" and the point
  ASSERT_EQ(r.bad_records.size(), 2u);
  EXPECT_NE(r.bad_records[0].reason.find("roads_utm fid 3: property 'vejklasse' value 'Sti'"),
            std::string::npos)
      << r.bad_records[0].reason;
  EXPECT_NE(r.bad_records[1].reason.find("Point"), std::string::npos) << r.bad_records[1].reason;
  EXPECT_EQ(r.segments, 5);  // 2 + 1 from UTM, 2 from the WGS84 multi-line
  EXPECT_EQ(r.by_kind[0], 2);
  EXPECT_EQ(r.by_kind[1], 3);
  ASSERT_EQ(net.size(), 5u);
  const auto& s = net.segments();
  for (const auto& seg : s) {
    EXPECT_TRUE(NearCopenhagen(seg.a) && NearCopenhagen(seg.b))
        << seg.a.lat << "," << seg.a.lon << " " << seg.b.lat << "," << seg.b.lon;
  }
  // 100 m of UTM easting is 100 m on the ground (scale factor ~1.0002 here), due east; the kink
  // 50 m north.
  EXPECT_NEAR(geo::DistanceM(s[0].a, s[0].b), 100.0, 0.5);
  // Grid east is ~3° off true east here (meridian convergence 3.6° from UTM 32's meridian).
  EXPECT_GT(s[0].b.lon, s[0].a.lon);
  EXPECT_NEAR(s[0].a.lat, s[0].b.lat, 8e-5);
  EXPECT_NEAR(geo::DistanceM(s[1].a, s[1].b), 50.0, 0.3);
  EXPECT_GT(s[1].b.lat, s[1].a.lat);
  // The cycle track 10 m north of the road.
  EXPECT_NEAR(geo::DistanceM(s[0].a, s[2].a), 10.0, 0.1);
  EXPECT_EQ(s[2].kind, LaneKind::kCycleTrack);
  // The EPSG:4326 layer passes through untouched, lat/lon not swapped.
  EXPECT_NEAR(s[3].a.lat, 55.6761, 1e-9);
  EXPECT_NEAR(s[3].a.lon, 12.5683, 1e-9);
  EXPECT_NEAR(s[4].b.lat, 55.6771, 1e-9);
  EXPECT_NEAR(s[4].b.lon, 12.5693, 1e-9);
}

TEST(GpkgNetwork, UnreadableGeoPackageIsAnErrorNamingTheFile) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("bad.gpkg"), "not a database").ok());
  NetworkImportOptions o;
  o.kind = LaneKind::kRoadway;
  StreetNetwork net;
  NetworkImportResult r;
  Status s = ImportNetworkFile(dir.Sub("bad.gpkg"), o, &net, &r);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("bad.gpkg"), std::string::npos) << s.ToString();
  NetworkImportOptions none;
  EXPECT_EQ(ImportNetworkFile(dir.Sub("bad.gpkg"), none, &net, &r).field(), "kind");
}

TEST(GpkgNetwork, CliImportsAGeoPackage) {
  testing::TempDir dir;
  WriteTinyGpkg(dir.Sub("tiny.gpkg"));
  ImportNetworkFlags f;
  f.files = {dir.Sub("tiny.gpkg")};
  f.data_dir = dir.Sub("data");
  f.kind = "roadway";
  ASSERT_EQ(RunImportNetwork(f), 0);
  StreetNetwork net;
  ASSERT_TRUE(LoadNetwork(dir.Sub("data") + "/network/segments.txt", &net).ok());
  EXPECT_EQ(net.size(), 6u);  // with --kind, "Sti" counts too; only the point is bad
}

TEST(GpkgNetwork, BikeDnaGeoPackagesMatchTheirGeoJsonExports) {
  if (testing::SharedDir().empty()) GTEST_SKIP() << "no ../shared";
  const std::string dir = testing::SharedDir() + "/data/bikedna/";
  struct Case {
    const char* name;
    int64_t features;
  };
  for (Case c : {Case{"cph_cycling_infra", 2238}, Case{"geodk_reference", 10568},
                 Case{"osm_subset", 972}}) {
    const std::string gpkg = dir + c.name + ".gpkg", geojson = dir + c.name + ".geojson";
    if (!std::filesystem::exists(gpkg)) GTEST_SKIP() << "missing " << gpkg;
    NetworkImportOptions o;
    o.kind = LaneKind::kCycleTrack;
    StreetNetwork a;
    NetworkImportResult ra;
    ASSERT_TRUE(ImportNetworkFile(gpkg, o, &a, &ra).ok()) << c.name;
    EXPECT_EQ(ra.features, c.features) << c.name;
    EXPECT_EQ(ra.bad, 0) << c.name;
    ASSERT_GT(a.size(), 0u);
    for (const auto& s : a.segments()) {
      ASSERT_TRUE(NearCopenhagen(s.a) && NearCopenhagen(s.b))
          << c.name << " " << s.a.lat << "," << s.a.lon;
    }
    if (!std::filesystem::exists(geojson)) continue;
    StreetNetwork b;
    NetworkImportResult rb;
    ASSERT_TRUE(ImportNetworkFile(geojson, o, &b, &rb).ok()) << c.name;
    ASSERT_EQ(a.size(), b.size()) << c.name;
    double max_m = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      max_m = std::max({max_m, geo::DistanceM(a.segments()[i].a, b.segments()[i].a),
                        geo::DistanceM(a.segments()[i].b, b.segments()[i].b)});
    }
    std::printf("%s: %lld features, %zu segments, max distance to the GeoJSON export %.3f m\n",
                c.name, static_cast<long long>(ra.features), a.size(), max_m);
    EXPECT_LT(max_m, 0.5) << c.name;  // the exports keep 6 decimals (~0.1 m)
  }
}

}  // namespace
}  // namespace tilsyn::coverage
