#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_util.h"
#include "coverage/coverage_output.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

class CoverageApi : public ApiTest {
 protected:
  void ConfigureContext(ApiContext& ctx) override {
    path_ = cov_dir_.Sub("coverage.json");
    ctx.coverage = std::make_shared<coverage::CoverageCache>(path_);
    ctx.coverage_top_k = 1;
  }
  // A report in which `often` passes the task's site 5 times and `rarely` twice.
  void WriteReport(const std::string& task_id, const std::string& often, const std::string& rarely) {
    // Most passes first, as ReportToJson writes it.
    Json vehicles = Json::array();
    vehicles.push_back(Json{{"vehicle", often}, {"passes", 5}});
    vehicles.push_back(Json{{"vehicle", rarely}, {"passes", 2}});
    Json site{{"task_id", task_id}, {"name", "site"}, {"passes", 7}, {"vehicles", vehicles}};
    Json sites = Json::array();
    sites.push_back(site);
    Json report{{"period_days", 3}, {"vehicle_days", 6}, {"sites", sites}};
    ASSERT_TRUE(WriteFileAtomic(path_, report.dump()).ok());
  }
  tilsyn::testing::TempDir cov_dir_;
  std::string path_;
};

TEST_F(CoverageApi, JobIsActiveOnlyForTheTopKVehiclesThatPassTheSite) {
  auto [often_id, often_token] = CreateVehicleWithToken("bus 1");
  auto [rarely_id, rarely_token] = CreateVehicleWithToken("bus 2");
  std::string covered = CreateActiveTask();
  std::string unknown = CreateActiveTask();  // no coverage entry: offered to every vehicle
  WriteReport(covered, often_id, rarely_id);

  auto active_of = [&](const std::string& token) {
    std::map<std::string, bool> out;
    Reply r = Call("GET", "/api/v1/jobs?since=0", token);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    for (const auto& j : r.json["jobs"]) out[j["task_id"].get<std::string>()] = j["active"].get<bool>();
    return out;
  };
  auto often = active_of(often_token);
  auto rarely = active_of(rarely_token);
  EXPECT_TRUE(often[covered]);
  EXPECT_FALSE(rarely[covered]);
  EXPECT_TRUE(often[unknown]);
  EXPECT_TRUE(rarely[unknown]);

  Reply r = Call("GET", "/api/v1/tasks/" + covered + "/coverage", inspector_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_TRUE(r.json["computed"].get<bool>());
  EXPECT_EQ(r.json["site"]["passes"], 7);
  EXPECT_EQ(r.json["planner"]["offered_to"], Json::array({often_id}));
  r = Call("GET", "/api/v1/tasks/" + unknown + "/coverage", inspector_);
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.json["computed"].get<bool>());
  EXPECT_EQ(r.json["planner"]["offered_to"], "all");
  EXPECT_EQ(Call("GET", "/api/v1/tasks/nope/coverage", inspector_).status, 404);
}

TEST_F(CoverageApi, WithoutAReportEveryVehicleGetsEveryJob) {
  auto [vid, token] = CreateVehicleWithToken();
  std::string id = CreateActiveTask();
  Reply r = Call("GET", "/api/v1/jobs?since=0", token);
  ASSERT_EQ(r.json["jobs"].size(), 1u);
  EXPECT_TRUE(r.json["jobs"][0]["active"].get<bool>());
  r = Call("GET", "/api/v1/tasks/" + id + "/coverage", inspector_);
  EXPECT_EQ(r.json["planner"]["offered_to"], "all");
  EXPECT_EQ(r.json["report"], nullptr);
}

}  // namespace
}  // namespace tilsyn::server::testing
