#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "coverage/network/network_cache.h"
#include "coverage/network/street_network.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

class NetworkApi : public ApiTest {
 protected:
  void ConfigureContext(ApiContext& ctx) override {
    path_ = net_dir_.Sub("network/segments.txt");
    ctx.network = std::make_shared<coverage::NetworkCache>(path_);
  }
  // A roadway polyline of 3 segments along lat 55.676 and one cycle-track segment beside it,
  // plus a roadway segment far away (Aarhus).
  void SaveSmallNetwork() {
    coverage::StreetNetwork net;
    using coverage::LaneKind;
    net.Add({{55.676, 12.560}, {55.676, 12.565}, LaneKind::kRoadway});
    net.Add({{55.676, 12.565}, {55.676, 12.570}, LaneKind::kRoadway});
    net.Add({{55.676, 12.570}, {55.676, 12.575}, LaneKind::kRoadway});
    net.Add({{55.6761, 12.560}, {55.6761, 12.575}, LaneKind::kCycleTrack});
    net.Add({{56.150, 10.200}, {56.151, 10.210}, LaneKind::kRoadway});
    ASSERT_TRUE(coverage::SaveNetwork(path_, net).ok());
  }
  tilsyn::testing::TempDir net_dir_;
  std::string path_;
};

constexpr const char* kCopenhagen = "/api/v1/network?bbox=12.55,55.67,12.58,55.68";

TEST_F(NetworkApi, BadBboxIsRejectedNamingTheField) {
  for (const char* q :
       {"", "?bbox=", "?bbox=12.5,55.6,12.6", "?bbox=12.5,55.6,12.6,55.7,1", "?bbox=a,b,c,d",
        "?bbox=12.6,55.6,12.5,55.7", "?bbox=12.5,55.7,12.6,55.6", "?bbox=12.5,55.6,12.6,95",
        "?bbox=-181,55.6,12.6,55.7", "?bbox=12.5,55.6,12.6,nan", "?bbox=12.5x,55.6,12.6,55.7",
        "?bbox=12.5,,12.6,55.7"}) {
    Reply r = Call("GET", std::string("/api/v1/network") + q, inspector_);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(r.ErrorField(), "bbox") << q;
  }
  Reply r = Call("GET", std::string(kCopenhagen) + "&limit=0", inspector_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorField(), "limit");
}

TEST_F(NetworkApi, NothingImportedIsAnEmptyCollection) {
  Reply r = Call("GET", kCopenhagen, inspector_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["type"], "FeatureCollection");
  EXPECT_EQ(r.json["features"], Json::array());
  EXPECT_FALSE(r.json["truncated"].get<bool>());
}

TEST_F(NetworkApi, ReturnsTheSegmentsInTheBoxWithTheirKindAsPolylines) {
  SaveSmallNetwork();
  Reply r = Call("GET", kCopenhagen, dpo_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  const Json& fs = r.json["features"];
  ASSERT_EQ(fs.size(), 2u) << fs.dump();  // the 3 roadway segments merged into one line
  EXPECT_EQ(fs[0]["properties"]["kind"], "roadway");
  EXPECT_EQ(fs[0]["geometry"]["type"], "LineString");
  EXPECT_EQ(fs[0]["geometry"]["coordinates"].size(), 4u);
  EXPECT_DOUBLE_EQ(fs[0]["geometry"]["coordinates"][0][0].get<double>(), 12.560);  // lon first
  EXPECT_DOUBLE_EQ(fs[0]["geometry"]["coordinates"][0][1].get<double>(), 55.676);
  EXPECT_EQ(fs[1]["properties"]["kind"], "cycle_track");
  EXPECT_EQ(r.json["segments"], 4);
  EXPECT_EQ(r.json["network_segments"], 5);

  // A box around the eastern end only meets the last roadway segment and the cycle track.
  r = Call("GET", "/api/v1/network?bbox=12.572,55.67,12.58,55.68", inspector_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["segments"], 2);
  // Far away: nothing.
  r = Call("GET", "/api/v1/network?bbox=-10,40,-9,41", inspector_);
  EXPECT_EQ(r.json["features"].size(), 0u);
}

TEST_F(NetworkApi, CapsTheSegmentCountAndSaysSo) {
  SaveSmallNetwork();
  Reply r = Call("GET", std::string(kCopenhagen) + "&limit=2", admin_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["segments"], 2);
  EXPECT_EQ(r.json["matched"], 4);
  EXPECT_TRUE(r.json["truncated"].get<bool>());
}

TEST_F(NetworkApi, ReloadsWhenTheNetworkIsImportedWhileServing) {
  EXPECT_EQ(Call("GET", kCopenhagen, inspector_).json["features"].size(), 0u);
  SaveSmallNetwork();
  EXPECT_EQ(Call("GET", kCopenhagen, inspector_).json["features"].size(), 2u);
}

TEST_F(NetworkApi, ABrokenNetworkFileIsA500ThatNamesNoServerPath) {
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
  std::ofstream(path_) << "bogus 55.6 12.5 55.7 12.6\n";
  Reply r = Call("GET", kCopenhagen, inspector_);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.raw.body.find(net_dir_.path()), std::string::npos) << r.raw.body;
}

TEST_F(NetworkApi, VehiclesMayNotReadIt) {
  auto [id, token] = CreateVehicleWithToken();
  EXPECT_EQ(Call("GET", kCopenhagen, token).status, 403);
  EXPECT_EQ(Call("GET", kCopenhagen, "").status, 401);
}

}  // namespace
}  // namespace tilsyn::server::testing
