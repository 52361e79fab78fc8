// GET /api/v1/basemap and GET /api/v1/places over a base map stored by the test.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "coverage/basemap/basemap.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

coverage::BasemapFeature Feature(const std::string& layer, const std::string& name, double lon,
                                 double lat) {
  coverage::BasemapFeature f;
  f.layer = layer;
  f.name = name;
  f.box.min_lon = lon;
  f.box.max_lon = lon + 0.001;
  f.box.min_lat = lat;
  f.box.max_lat = lat + 0.001;
  f.geometry = {{"type", "LineString"},
                {"coordinates",
                 Json::array({Json::array({lon, lat}), Json::array({lon + 0.001, lat + 0.001})})}};
  return f;
}

class BasemapApi : public ApiTest {
 protected:
  void ConfigureContext(ApiContext& ctx) override {
    path_ = coverage::BasemapFile(dir_.path());
    ctx.basemap = std::make_shared<coverage::BasemapCache>(path_);
  }
  void Save() {
    ASSERT_TRUE(
        coverage::SaveBasemap(path_, {Feature("streets", "Åboulevard", 12.550, 55.685),
                                      Feature("streets", "Åboulevard", 12.551, 55.684),
                                      Feature("streets", "Gammel Kongevej", 12.555, 55.677),
                                      Feature("streets", "Vester Åboulevard", 12.560, 55.682),
                                      Feature("buildings", "", 12.569, 55.676),
                                      Feature("streets", "Ørestads Boulevard", 12.58, 55.63),
                                      Feature("streets", "Strøget", 10.2, 56.15)})
            .ok());
  }
  std::string path_;
};

TEST_F(BasemapApi, EmptyUntilImportedThenFeaturesInTheBox) {
  Reply empty = Call("GET", "/api/v1/basemap?bbox=12.5,55.6,12.6,55.7", inspector_);
  ASSERT_EQ(empty.status, 200) << empty.raw.body;
  EXPECT_TRUE(empty.json["features"].empty());
  Save();
  Reply r = Call("GET", "/api/v1/basemap?bbox=12.5,55.6,12.6,55.7", dpo_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["type"], "FeatureCollection");
  EXPECT_EQ(r.json["features"].size(), 6u);  // not the one in Aarhus
  EXPECT_EQ(r.json["features"][0]["properties"]["layer"], "streets");
  EXPECT_EQ(r.json["features"][0]["geometry"]["type"], "LineString");
  Reply capped = Call("GET", "/api/v1/basemap?bbox=12.5,55.6,12.6,55.7&limit=2", inspector_);
  EXPECT_EQ(capped.json["features"].size(), 2u);
  EXPECT_TRUE(capped.json["truncated"].get<bool>());
  EXPECT_EQ(capped.json["matched"], 6);
  EXPECT_EQ(Call("GET", "/api/v1/basemap", inspector_).ErrorField(), "bbox");
  EXPECT_EQ(Call("GET", "/api/v1/basemap?bbox=1,2", inspector_).ErrorField(), "bbox");
  EXPECT_EQ(Call("GET", "/api/v1/basemap?bbox=12.5,55.6,12.6,55.7", "").status, 401);
}

TEST_F(BasemapApi, ABrokenBasemapFileIsA500ThatNamesNoServerPath) {
  Save();
  std::ofstream(path_, std::ios::trunc) << "not json\n";
  std::filesystem::last_write_time(
      path_, std::filesystem::last_write_time(path_) + std::chrono::seconds(2));
  for (const char* q : {"/api/v1/basemap?bbox=12.5,55.6,12.6,55.7", "/api/v1/places?q=vej"}) {
    Reply r = Call("GET", q, inspector_);
    EXPECT_EQ(r.status, 500) << q;
    EXPECT_EQ(r.raw.body.find(dir_.path()), std::string::npos) << r.raw.body;
  }
}

TEST_F(BasemapApi, PlacesAreFoundByPartOfTheirNameOncePerStreet) {
  Save();
  Reply r = Call("GET", "/api/v1/places?q=aboulevard", inspector_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  // "Å" folds to "a"; names that start with the text come first; one place per street with the
  // box of its segments.
  ASSERT_EQ(r.json["places"].size(), 2u);
  EXPECT_EQ(r.json["places"][0]["name"], "Åboulevard");
  EXPECT_EQ(r.json["places"][0]["features"], 2);
  EXPECT_NEAR(r.json["places"][0]["bbox"][0].get<double>(), 12.550, 1e-9);
  EXPECT_NEAR(r.json["places"][0]["bbox"][3].get<double>(), 55.686, 1e-9);
  EXPECT_EQ(r.json["places"][1]["name"], "Vester Åboulevard");
  EXPECT_EQ(Call("GET", "/api/v1/places?q=GAMMEL%20KONGE", inspector_).json["places"][0]["name"],
            "Gammel Kongevej");
  // Letters without their marks, as a keyboard without them writes them.
  EXPECT_EQ(Call("GET", "/api/v1/places?q=orestad", inspector_).json["places"][0]["name"],
            "Ørestads Boulevard");
  EXPECT_TRUE(Call("GET", "/api/v1/places?q=nowhere", inspector_).json["places"].empty());
  EXPECT_EQ(Call("GET", "/api/v1/places?q=aboulevard&limit=1", inspector_).json["places"].size(),
            1u);
  EXPECT_EQ(Call("GET", "/api/v1/places", inspector_).ErrorField(), "q");
  EXPECT_EQ(Call("GET", "/api/v1/places?q=a", inspector_).ErrorField(), "q");
  EXPECT_EQ(Call("GET", "/api/v1/places?q=%21%21", inspector_).ErrorField(), "q");
}

}  // namespace
}  // namespace tilsyn::server::testing
