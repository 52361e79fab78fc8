// The CLI bodies end to end on a temp data dir: import a CSV with a bad row, import a network,
// run coverage over the active tasks of a real store (SQLite; PostgreSQL in the
// coverage_on_postgresql entry), read the outputs back.
#include "coverage/coverage_cli.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "core/file_util.h"
#include "core/json_util.h"
#include "coverage/coverage_output.h"
#include "fakes/test_paths.h"
#include "fakes/test_store.h"
#include "geo/latlon.h"

namespace tilsyn::coverage {
namespace {

TEST(CoverageCli, ImportThenCoverageWritesJsonCsvAndGeoJson) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  std::filesystem::create_directories(data);
  {
    // The run's store: SQLite in the data folder, or PostgreSQL (coverage_on_postgresql).
    auto store = testing::OpenTestStore(data);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    tasks::Task active;
    active.id = "task-a";
    active.title = "Corner";
    active.area = geo::Geofence::Circle({55.6761, 12.5683}, 40);
    active.status = tasks::TaskStatus::kActive;
    active.targets.push_back(tasks::Target{"person", 0.5});
    active.schedule.valid_to = 4'000'000'000'000;
    ASSERT_TRUE((*store)->CreateTask(active).ok());
    tasks::Task draft = active;
    draft.id = "task-d";
    draft.status = tasks::TaskStatus::kDraft;
    ASSERT_TRUE((*store)->CreateTask(draft).ok());
  }
  // A drive east through the site at 36 km/h, plus one bad row.
  std::string csv = "vehicle,ts,lat,lon\n";
  for (int i = 0; i < 60; ++i) {
    geo::LatLon p = geo::Offset({55.6761, 12.5683}, 90, -300 + i * 10.0);
    char row[128];
    std::snprintf(row, sizeof row, "bus-1,%d,%.7f,%.7f\n", 1'704'096'000 + i, p.lat, p.lon);
    csv += row;
  }
  csv += "bus-1,oops,55,12\n";
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("trace.csv"), csv).ok());
  ImportGpsFlags g;
  g.files = {dir.Sub("trace.csv")};
  g.data_dir = data;
  g.csv_columns = "vehicle=vehicle,time=ts,lat=lat,lon=lon";
  g.time_format = "epoch_s";
  EXPECT_EQ(RunImportGps(g), 0);

  const std::string net = R"({"type":"FeatureCollection","features":[{"type":"Feature",
    "properties":{},"geometry":{"type":"LineString","coordinates":[[12.55,55.6761],[12.59,55.6761]]}}]})";
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("roads.geojson"), net).ok());
  ImportNetworkFlags n;
  n.files = {dir.Sub("roads.geojson")};
  n.data_dir = data;
  n.kind = "roadway";
  EXPECT_EQ(RunImportNetwork(n), 0);
  n.kind = "bus_lane";
  EXPECT_EQ(RunImportNetwork(n), 2);

  CoverageFlags c;
  c.data_dir = data;
  if (testing::TestStoreIsPostgres()) c.database = testing::TestStoreLocation(data);
  c.csv = dir.Sub("cov.csv");
  c.geojson = dir.Sub("cov.geojson");
  c.threads = 1;
  ASSERT_EQ(RunCoverage(c), 0);

  CoverageCache cache(CoverageFilePath(data));
  auto site = cache.Site("task-a");
  ASSERT_TRUE(site.has_value());
  EXPECT_FALSE(cache.Site("task-d").has_value());  // drafts are not sites
  EXPECT_EQ((*site)["passes"], 1);
  EXPECT_EQ((*site)["vehicles"][0]["vehicle"], "bus-1");
  EXPECT_EQ((*site)["lane"]["lane"], "roadway");
  EXPECT_NEAR((*site)["median_speed_kmh"].get<double>(), 36, 1);
  auto csv_out = ReadFile(c.csv);
  ASSERT_TRUE(csv_out.ok());
  EXPECT_NE(csv_out->find("task-a,Corner,bus-1,1,1,1,"), std::string::npos) << *csv_out;
  auto gj = ReadFile(c.geojson);
  ASSERT_TRUE(gj.ok());
  Json doc = Json::parse(*gj);
  EXPECT_EQ(doc["features"].size(), 1u);
  EXPECT_EQ(doc["features"][0]["geometry"]["type"], "Point");
}

}  // namespace
}  // namespace tilsyn::coverage
