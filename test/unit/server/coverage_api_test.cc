#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_util.h"
#include "coverage/coverage_cli.h"
#include "coverage/coverage_output.h"
#include "coverage/coverage_run.h"
#include "coverage/history/dir_position_history.h"
#include "coverage/vehicle_selection.h"
#include "geo/latlon.h"
#include "server/coverage_schedule.h"
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
  void WriteReport(const std::string& task_id, const std::string& often,
                   const std::string& rarely) {
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
    for (const auto& j : r.json["jobs"])
      out[j["task_id"].get<std::string>()] = j["active"].get<bool>();
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

// A coverage run over a real data folder (history, network, the fixture's store) whose top
// passer changes: the job gets a new version, so the deselected vehicle's next sync brings the
// job back as inactive (its agent drops it and captures no more for it), and the newly selected
// one's brings it active.
class CoverageRunApi : public CoverageApi {
 protected:
  void ConfigureContext(ApiContext& ctx) override {
    data_ = cov_dir_.Sub("data");
    std::filesystem::create_directories(data_);
    path_ = coverage::CoverageFilePath(data_);
    ctx.coverage = std::make_shared<coverage::CoverageCache>(path_);
    ctx.coverage_top_k = 1;
  }
  // `n` drives east through ValidTaskJson()'s site on day `day` (UTC days after kNow's).
  void Passes(const std::string& vehicle, int n, int day) {
    coverage::DirPositionHistory history(coverage::HistoryDir(data_));
    std::vector<coverage::HistoryFix> fixes;
    const TimeMs t0 = (kNow / coverage::kDayMs + day) * coverage::kDayMs + 8 * 3'600'000;
    for (int k = 0; k < n; ++k) {
      for (int i = 0; i < 60; ++i) {
        fixes.push_back(
            {t0 + k * 3'600'000 + i * 1000, geo::Offset({55.6761, 12.5683}, 90, -300 + i * 10.0)});
      }
    }
    ASSERT_TRUE(history.Append(vehicle, fixes).ok());
  }
  Result<coverage::CoverageRunResult> Run() {
    coverage::CoverageRunOptions o;
    o.data_dir = data_;
    o.threads = 1;
    return coverage::RunCoverageOnce(*store_, o);
  }
  std::string data_;
};

TEST_F(CoverageRunApi, ADeselectedVehicleLearnsItAtItsNextSync) {
  auto [a_id, a_token] = CreateVehicleWithToken("bus a");
  auto [b_id, b_token] = CreateVehicleWithToken("bus b");
  std::string task = CreateActiveTask();
  Passes(a_id, 3, -2);
  Passes(b_id, 1, -2);
  auto first = Run();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->reoffered, std::vector<std::string>{task});  // new site: offered anew

  auto job_of = [&](const std::string& token, int64_t since) {
    Reply r = Call("GET", "/api/v1/jobs?since=" + std::to_string(since), token);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return std::make_pair(r.json["version"].get<int64_t>(),
                          r.json["jobs"].empty() ? Json(nullptr) : r.json["jobs"][0]);
  };
  auto [a_version, a_job] = job_of(a_token, 0);
  auto [b_version, b_job] = job_of(b_token, 0);
  EXPECT_TRUE(a_job["active"].get<bool>());
  EXPECT_FALSE(b_job["active"].get<bool>());
  // Nothing changed: a second run re-offers nothing, and a synced agent gets nothing new.
  auto same = Run();
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->reoffered.empty());
  EXPECT_TRUE(job_of(a_token, a_version).second.is_null());

  Passes(b_id, 5, -1);  // b now passes most
  auto second = Run();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->reoffered, std::vector<std::string>{task});
  auto a_next = job_of(a_token, a_version).second;
  ASSERT_FALSE(a_next.is_null()) << "the deselected vehicle must get the job again";
  EXPECT_FALSE(a_next["active"].get<bool>());
  auto b_next = job_of(b_token, b_version).second;
  ASSERT_FALSE(b_next.is_null());
  EXPECT_TRUE(b_next["active"].get<bool>());
}

TEST_F(CoverageRunApi, UploadsAreAcceptedOnlyFromOfferedVehiclesOrCapturedBeforeTheReport) {
  std::string task = CreateActiveTask();
  Passes("often", 3, -2);
  Passes("rarely", 1, -2);
  ASSERT_TRUE(Run().ok());
  coverage::CoverageCache cache(path_);
  const TimeMs computed = cache.ComputedMs().value();
  EXPECT_TRUE(coverage::OfferedAt(&cache, task, "often", 1, computed + 1000));
  EXPECT_FALSE(coverage::OfferedAt(&cache, task, "rarely", 1, computed + 1000));
  EXPECT_TRUE(coverage::OfferedAt(&cache, task, "rarely", 1, computed - 1000));
  EXPECT_TRUE(coverage::OfferedAt(&cache, task, "rarely", 2, computed + 1000));
  EXPECT_TRUE(coverage::OfferedAt(&cache, "no-site", "rarely", 1, computed + 1000));
}

TEST_F(CoverageRunApi, TheScheduleRunsOnceADayAtItsLocalTime) {
  CreateActiveTask();
  Passes("bus", 1, -1);
  EXPECT_EQ(ParseDailyTime("02:30"), 150);
  EXPECT_EQ(ParseDailyTime("24:00"), -1);
  EXPECT_EQ(ParseDailyTime("2:30"), -1);
  // kNow is 22:13:20 UTC = 23:13:20 in Copenhagen (winter): 02:30 local is 01:30 UTC next day.
  CoverageSchedule schedule(store_.get(), &clock_, data_, 150, "Europe/Copenhagen");
  EXPECT_EQ(schedule.next_run(), kNow + (3 * 3600 + 16 * 60 + 40) * 1000);
  EXPECT_FALSE(schedule.RunIfDue());
  EXPECT_FALSE(std::filesystem::exists(path_));
  clock_.Advance(schedule.next_run() - kNow);
  EXPECT_TRUE(schedule.RunIfDue());
  EXPECT_TRUE(std::filesystem::exists(path_));
  EXPECT_EQ(schedule.next_run(), kNow + (3 * 3600 + 16 * 60 + 40) * 1000 + coverage::kDayMs);
  EXPECT_FALSE(schedule.RunIfDue());  // once a day
}
}  // namespace
}  // namespace tilsyn::server::testing
