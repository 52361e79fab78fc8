// GET /api/v1/exports/counts.{csv,geojson}: the count series of count tasks per street side,
// oldest first, other kinds and inconclusive images left out, the compass side named, audited.
#include "core/ids.h"
#include "core/time_format.h"
#include "fakes/fake_world.h"
#include "core/file_util.h"
#include "server/counts_export.h"
#include "server/export_cli.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

class CountsExportApi : public ApiTest {
 protected:
  void Add(const tasks::Task& task, int minutes_ago, const std::string& outcome, Json counts,
           std::optional<double> heading) {
    store::Observation o = ::tilsyn::testing::InsertObservation(
        store_.get(), task, vehicle_, kNow - minutes_ago * 60'000LL, store::ObservationState::kDone);
    o.heading_deg = heading;
    ASSERT_TRUE(store_->UpdateObservation(o).ok());
    store::AssessmentRecord a;
    a.id = NewUuid();
    a.observation_id = o.id;
    a.task_id = task.id;
    a.outcome = outcome;
    a.reason = "r";
    a.counts = std::move(counts);
    a.created_ms = kNow;
    ASSERT_TRUE(store_->RecordAssessment(o.id, {}, a, {}).ok());
  }
  void SetUp() override {
    ApiTest::SetUp();
    vehicle_ = CreateVehicleWithToken().first;
    Json body = ValidTaskJson();
    body["kind"] = "count";
    body["title"] = "Parked cars, Jagtvej";
    body["targets"] = Json::array({{{"label", "vehicle"}, {"min_confidence", 0.5}}});
    count_ = store_->GetTask(CreateTask(body)).value();
    presence_ = store_->GetTask(CreateTask()).value();
    Add(count_, 10, "ok", {{"vehicle", 3}, {"by_side", {{"left", 2}, {"right", 1}}}}, 0.0);
    Add(count_, 30, "finding", {{"vehicle", 7}, {"by_side", {{"left", 7}, {"right", 0}}}}, 90.0);
    Add(count_, 20, "inconclusive", {{"vehicle", 0}}, 0.0);
    Add(presence_, 5, "ok", {{"person", 1}}, 0.0);
  }
  std::string vehicle_;
  tasks::Task count_, presence_;
};

TEST_F(CountsExportApi, CsvIsTheSeriesOfCountsPerStreetSideOldestFirst) {
  Reply r = Call("GET", "/api/v1/exports/counts.csv", inspector_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  std::vector<std::string> lines;
  for (size_t pos = 0; pos < r.raw.body.size();) {
    const size_t end = r.raw.body.find("\r\n", pos);
    lines.push_back(r.raw.body.substr(pos, end - pos));
    pos = end + 2;
  }
  ASSERT_EQ(lines.size(), 3u) << r.raw.body;
  EXPECT_EQ(lines[0],
            "task_id,task_title,observation_id,vehicle_id,captured_at,lat,lon,heading_deg,count,"
            "counts_by_label,left,right,left_side,right_side,outcome");
  // 30 minutes ago heading east: the left side is the north side.
  EXPECT_NE(lines[1].find(",90.0,7,vehicle=7,7,0,N,S,finding"), std::string::npos) << lines[1];
  // 10 minutes ago heading north: left is west.
  EXPECT_NE(lines[2].find(",0.0,3,vehicle=3,2,1,W,E,ok"), std::string::npos) << lines[2];
  EXPECT_EQ(r.raw.body.find(presence_.id), std::string::npos) << "only count tasks";
  store::AuditFilter f;
  f.action = "counts.export";
  EXPECT_EQ(store_->ListAudit(f)->size(), 1u);
}

TEST_F(CountsExportApi, GeoJsonCarriesTheSameFieldsAndFiltersByTaskAndTime) {
  Reply r = Call("GET", "/api/v1/exports/counts.geojson?task_id=" + count_.id + "&from=" +
                            FormatIso8601(kNow - 15 * 60'000LL), dpo_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  const Json doc = Json::parse(r.raw.body);
  ASSERT_EQ(doc["features"].size(), 1u);
  const Json& p = doc["features"][0]["properties"];
  EXPECT_EQ(p["count"], 3);
  EXPECT_EQ(p["left"], 2);
  EXPECT_EQ(p["right"], 1);
  EXPECT_EQ(p["left_side"], "W");
  EXPECT_EQ(p["task_title"], "Parked cars, Jagtvej");
  EXPECT_EQ(Call("GET", "/api/v1/exports/counts.csv?from=yesterday", inspector_).ErrorField(), "from");
  EXPECT_EQ(Call("GET", "/api/v1/exports/counts.csv", "").status, 401);
}

TEST_F(CountsExportApi, TheCliWritesTheSameSeries) {
  ExportFindingsFlags flags;
  flags.server.data_dir = dir_.path();
  if (::tilsyn::testing::TestStoreIsPostgres()) {
    flags.server.database = ::tilsyn::testing::TestStoreLocation(dir_.path());
  }
  flags.format = "csv";
  flags.outcome = "all";
  flags.out = dir_.Sub("counts.csv");
  ASSERT_EQ(RunExportCounts(flags), 0);
  EXPECT_EQ(ReadFile(flags.out).value(), Call("GET", "/api/v1/exports/counts.csv", inspector_).raw.body);
  flags.from = "not a time";
  EXPECT_EQ(RunExportCounts(flags), 2);
}

TEST(SideCompass, NamesTheSideOfTheStreet) {
  EXPECT_EQ(SideCompass(0.0, -90), "W");
  EXPECT_EQ(SideCompass(0.0, 90), "E");
  EXPECT_EQ(SideCompass(45.0, -90), "NW");
  EXPECT_EQ(SideCompass(350.0, 90), "E");
  EXPECT_EQ(SideCompass(225.0, -90), "SE");
  EXPECT_EQ(SideCompass(std::nullopt, 90), "");
}

}  // namespace
}  // namespace tilsyn::server::testing
