#include <gtest/gtest.h>

#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

using JobsApi = ApiTest;

TEST_F(JobsApi, DeltaSyncReturnsChangedJobsAndTheCurrentVersion) {
  auto [vehicle_id, vtoken] = CreateVehicleWithToken();
  Reply r = Call("GET", "/api/v1/jobs?since=0", vtoken);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["version"], 0);
  EXPECT_TRUE(r.json["jobs"].empty());

  std::string draft = CreateTask();  // drafts are not offered
  std::string id = CreateActiveTask();
  r = Call("GET", "/api/v1/jobs?since=0", vtoken);
  ASSERT_EQ(r.json["jobs"].size(), 1u);
  EXPECT_EQ(r.json["jobs"][0]["id"], id);
  EXPECT_EQ(r.json["jobs"][0]["task_id"], id);
  EXPECT_TRUE(r.json["jobs"][0]["active"].get<bool>());
  EXPECT_EQ(r.json["jobs"][0]["targets"], Json::array({"person"}));
  int64_t v1 = r.json["version"];
  EXPECT_EQ(r.json["jobs"][0]["version"], v1);

  // Nothing new since v1.
  r = Call("GET", "/api/v1/jobs?since=" + std::to_string(v1), vtoken);
  EXPECT_TRUE(r.json["jobs"].empty());
  EXPECT_EQ(r.json["version"], v1);

  // Pausing publishes an inactive job with a higher version.
  Call("POST", "/api/v1/tasks/" + id + "/pause", inspector_, "");
  r = Call("GET", "/api/v1/jobs?since=" + std::to_string(v1), vtoken);
  ASSERT_EQ(r.json["jobs"].size(), 1u);
  EXPECT_FALSE(r.json["jobs"][0]["active"].get<bool>());
  int64_t v2 = r.json["version"];
  EXPECT_GT(v2, v1);

  // Editing a paused task does not publish; re-activating publishes the edited area.
  Json edit = ValidTaskJson();
  edit["area"]["radius_m"] = 80;
  ASSERT_EQ(Call("PUT", "/api/v1/tasks/" + id, inspector_, edit).status, 200);
  EXPECT_TRUE(Call("GET", "/api/v1/jobs?since=" + std::to_string(v2), vtoken).json["jobs"].empty());
  Call("POST", "/api/v1/tasks/" + id + "/activate", inspector_, "");
  r = Call("GET", "/api/v1/jobs?since=" + std::to_string(v2), vtoken);
  ASSERT_EQ(r.json["jobs"].size(), 1u);
  EXPECT_EQ(r.json["jobs"][0]["area"]["radius_m"], 80);
  int64_t v3 = r.json["version"];

  // Editing an active task re-plans the job.
  edit["area"]["radius_m"] = 90;
  ASSERT_EQ(Call("PUT", "/api/v1/tasks/" + id, inspector_, edit).status, 200);
  r = Call("GET", "/api/v1/jobs?since=" + std::to_string(v3), vtoken);
  ASSERT_EQ(r.json["jobs"].size(), 1u);
  EXPECT_EQ(r.json["jobs"][0]["area"]["radius_m"], 90);

  // Cancelling withdraws it.
  int64_t v4 = r.json["version"];
  Call("POST", "/api/v1/tasks/" + id + "/cancel", inspector_, "");
  r = Call("GET", "/api/v1/jobs?since=" + std::to_string(v4), vtoken);
  ASSERT_EQ(r.json["jobs"].size(), 1u);
  EXPECT_FALSE(r.json["jobs"][0]["active"].get<bool>());
  (void)draft;
}

TEST_F(JobsApi, BadSinceIs400) {
  auto [vehicle_id, vtoken] = CreateVehicleWithToken();
  EXPECT_EQ(Call("GET", "/api/v1/jobs?since=-1", vtoken).ErrorField(), "since");
  EXPECT_EQ(Call("GET", "/api/v1/jobs?since=x", vtoken).ErrorField(), "since");
}

}  // namespace
}  // namespace tilsyn::server::testing
