#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

using TasksApi = ApiTest;

TEST_F(TasksApi, CreateReturns201DraftWithServerFieldsAndNoSecrets) {
  Json body = ValidTaskJson();
  body["id"] = "client-chosen";
  body["status"] = "active";
  Reply r = Call("POST", "/api/v1/tasks", inspector_, body);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_NE(r.json["id"], "client-chosen");
  EXPECT_EQ(r.json["status"], "draft");
  EXPECT_EQ(r.json["owner"], "ivan");
  EXPECT_EQ(r.json["revision"], 1);
  EXPECT_EQ(r.json["created_at"], FormatIso8601(kNow));
  EXPECT_FALSE(r.json["actions"][0].contains("secret"));
  EXPECT_TRUE(r.json["actions"][0]["has_secret"].get<bool>());
  // Stored with the secret.
  auto stored = store_->GetTask(r.json["id"]);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->actions[0].secret, "s3cret");
}

TEST_F(TasksApi, GetAndListReturnTheTask) {
  std::string id = CreateTask();
  Reply g = Call("GET", "/api/v1/tasks/" + id, dpo_);
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(g.json["title"], "Skip at Nørrebrogade 12");
  Reply l = Call("GET", "/api/v1/tasks", inspector_);
  ASSERT_EQ(l.status, 200);
  ASSERT_EQ(l.json["tasks"].size(), 1u);
  EXPECT_EQ(l.json["tasks"][0]["id"], id);
}

TEST_F(TasksApi, ListFiltersByStatusKindUnitAndPages) {
  std::string a = CreateTask();
  Json other = ValidTaskJson();
  other["kind"] = "count";
  other["unit"] = "BYN";
  std::string b = CreateActiveTask(other);
  auto ids = [&](const std::string& q) {
    Reply r = Call("GET", "/api/v1/tasks" + q, inspector_);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    std::set<std::string> out;
    for (const auto& t : r.json["tasks"]) out.insert(t["id"].get<std::string>());
    return out;
  };
  EXPECT_EQ(ids("?status=active"), std::set<std::string>{b});
  EXPECT_EQ(ids("?status=draft"), std::set<std::string>{a});
  EXPECT_EQ(ids("?kind=count"), std::set<std::string>{b});
  EXPECT_EQ(ids("?unit=TMF"), std::set<std::string>{a});
  EXPECT_EQ(ids("?limit=1").size(), 1u);
  EXPECT_EQ(ids("?limit=1&offset=1").size(), 1u);
  EXPECT_NE(ids("?limit=1"), ids("?limit=1&offset=1"));
}

TEST_F(TasksApi, BadListParametersNameTheField) {
  EXPECT_EQ(Call("GET", "/api/v1/tasks?status=bogus", inspector_).ErrorField(), "status");
  EXPECT_EQ(Call("GET", "/api/v1/tasks?kind=bogus", inspector_).ErrorField(), "kind");
  Reply r = Call("GET", "/api/v1/tasks?limit=abc", inspector_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorField(), "limit");
  EXPECT_EQ(Call("GET", "/api/v1/tasks?limit=0", inspector_).ErrorField(), "limit");
  EXPECT_EQ(Call("GET", "/api/v1/tasks?offset=-1", inspector_).ErrorField(), "offset");
}

TEST_F(TasksApi, MalformedJsonIs400NamingBody) {
  Reply r = Call("POST", "/api/v1/tasks", inspector_, std::string("{\"title\": "));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorCode(), "invalid_argument");
  EXPECT_EQ(r.ErrorField(), "body");
  r = Call("POST", "/api/v1/tasks", inspector_, std::string("[1,2]"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorField(), "body");
  r = Call("POST", "/api/v1/tasks", inspector_, std::string(""));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorField(), "body");
}

// Found from outside: JSON sent as text/plain was accepted (a browser sends that cross-site
// without a preflight).
TEST_F(TasksApi, JsonBodiesMustSayTheyAreJson) {
  const std::string body = ValidTaskJson().dump();
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
    Reply r = Call("POST", "/api/v1/tasks", inspector_, body, type);
    EXPECT_EQ(r.status, 415) << type;
    EXPECT_EQ(r.ErrorField(), "content-type") << type;
  }
  EXPECT_EQ(Call("GET", "/api/v1/tasks", inspector_).json["tasks"].size(), 0u);
  EXPECT_EQ(
      Call("POST", "/api/v1/tasks", inspector_, body, "application/json; charset=utf-8").status,
      201);
  EXPECT_EQ(Call("POST", "/api/v1/tasks", inspector_, body, "Application/JSON").status, 201);
}

TEST_F(TasksApi, ValidationErrorsNameTheFieldAndWriteNothing) {
  struct Case {
    std::string field;
    std::function<void(Json&)> mutate;
  };
  std::vector<Case> cases = {
      {"title", [](Json& j) { j.erase("title"); }},
      {"kind", [](Json& j) { j["kind"] = "sometimes"; }},
      {"targets", [](Json& j) { j["targets"] = Json::array(); }},
      {"area.radius_m", [](Json& j) { j["area"]["radius_m"] = -5; }},
      {"schedule.valid_to", [](Json& j) { j["schedule"]["valid_to"] = "2022-01-01T00:00:00Z"; }},
      {"schedule.time_zone", [](Json& j) { j["schedule"]["time_zone"] = "Mars/Olympus"; }},
      {"actions[0].url", [](Json& j) { j["actions"][0]["url"] = "ftp://x"; }},
  };
  for (const auto& c : cases) {
    Json body = ValidTaskJson();
    c.mutate(body);
    Reply r = Call("POST", "/api/v1/tasks", inspector_, body);
    EXPECT_EQ(r.status, 400) << c.field << ": " << r.raw.body;
    EXPECT_NE(r.ErrorField().find(c.field.substr(0, c.field.find('.'))), std::string::npos)
        << c.field << " vs " << r.ErrorField();
  }
  Reply l = Call("GET", "/api/v1/tasks", inspector_);
  EXPECT_TRUE(l.json["tasks"].empty());
}

TEST_F(TasksApi, UnknownIdIs404) {
  for (const std::string& path :
       {std::string("/api/v1/tasks/nope"), std::string("/api/v1/tasks/nope/activate")}) {
    Reply r = Call(path.find("activate") != std::string::npos ? "POST" : "GET", path, inspector_);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.ErrorCode(), "not_found");
  }
  Reply r = Call("PUT", "/api/v1/tasks/nope", inspector_, ValidTaskJson());
  EXPECT_EQ(r.status, 404);
}

TEST_F(TasksApi, UpdateReplacesEditableFieldsKeepsServerFieldsAndSecrets) {
  std::string id = CreateTask();
  clock_.Advance(60'000);
  Json edit = ValidTaskJson();
  edit["title"] = "Moved skip";
  edit["actions"][0].erase("secret");  // clients never see secrets, so they cannot send them
  edit["status"] = "active";
  Reply r = Call("PUT", "/api/v1/tasks/" + id, inspector_, edit);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["title"], "Moved skip");
  EXPECT_EQ(r.json["status"], "draft");
  EXPECT_EQ(r.json["revision"], 2);
  EXPECT_EQ(r.json["owner"], "ivan");
  EXPECT_EQ(r.json["updated_at"], FormatIso8601(kNow + 60'000));
  EXPECT_EQ(r.json["created_at"], FormatIso8601(kNow));
  EXPECT_EQ(store_->GetTask(id)->actions[0].secret, "s3cret");
  EXPECT_EQ(store_->GetTask(id)->title, "Moved skip");
}

TEST_F(TasksApi, InvalidUpdateChangesNothing) {
  std::string id = CreateTask();
  Json edit = ValidTaskJson();
  edit["title"] = "";
  Reply r = Call("PUT", "/api/v1/tasks/" + id, inspector_, edit);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorField(), "title");
  EXPECT_EQ(store_->GetTask(id)->revision, 1);
}

TEST_F(TasksApi, ActivatePauseCancelFollowTheStateMachine) {
  std::string id = CreateTask();
  auto post = [&](const std::string& what) {
    return Call("POST", "/api/v1/tasks/" + id + "/" + what, inspector_, "");
  };
  // A draft cannot be paused.
  Reply r = post("pause");
  EXPECT_EQ(r.status, 412);
  EXPECT_EQ(r.ErrorCode(), "failed_precondition");
  EXPECT_EQ(r.ErrorField(), "status");

  r = post("activate");
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["status"], "active");
  EXPECT_EQ(post("activate").json["status"], "active");  // idempotent
  r = post("pause");
  EXPECT_EQ(r.json["status"], "paused");
  r = post("activate");
  EXPECT_EQ(r.json["status"], "active");
  r = post("cancel");
  EXPECT_EQ(r.json["status"], "cancelled");
  EXPECT_EQ(post("cancel").status, 200);  // idempotent

  // Nothing brings a cancelled task back, and it can no longer be edited.
  r = post("activate");
  EXPECT_EQ(r.status, 412);
  EXPECT_EQ(post("pause").status, 412);
  EXPECT_EQ(Call("PUT", "/api/v1/tasks/" + id, inspector_, ValidTaskJson()).status, 412);
  EXPECT_EQ(store_->GetTask(id)->status, tasks::TaskStatus::kCancelled);
}

TEST_F(TasksApi, ACompletedTaskIsWithdrawnFromVehiclesAndStaysCompleted) {
  std::string id = CreateTask();
  auto post = [&](const std::string& what) {
    return Call("POST", "/api/v1/tasks/" + id + "/" + what, inspector_, "");
  };
  EXPECT_EQ(post("complete").status, 412) << "a draft was never carried out";
  ASSERT_EQ(post("activate").status, 200);
  const int64_t before = store_->GetJob(id)->version;
  Reply r = post("complete");
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["status"], "completed");
  auto job = store_->GetJob(id);
  ASSERT_TRUE(job.ok());
  EXPECT_FALSE(job->active) << "vehicles drop it at their next sync";
  EXPECT_GT(job->version, before);
  EXPECT_EQ(post("complete").status, 200);  // idempotent
  EXPECT_EQ(post("activate").status, 412);
  EXPECT_EQ(post("cancel").status, 412);
  EXPECT_EQ(Call("PUT", "/api/v1/tasks/" + id, inspector_, ValidTaskJson()).status, 412);
  EXPECT_EQ(Call("GET", "/api/v1/tasks?status=completed", inspector_).json["tasks"].size(), 1u);
  // The archive (completed, cancelled) holds it; the current tasks (draft, active, paused) do
  // not; several statuses by commas.
  EXPECT_EQ(Call("GET", "/api/v1/tasks?status=archived", inspector_).json["tasks"].size(), 1u);
  EXPECT_TRUE(Call("GET", "/api/v1/tasks?status=current", inspector_).json["tasks"].empty());
  EXPECT_EQ(Call("GET", "/api/v1/tasks?status=draft,completed", inspector_).json["tasks"].size(),
            1u);
  EXPECT_EQ(Call("GET", "/api/v1/tasks?status=draft,", inspector_).ErrorField(), "status");
}

TEST_F(TasksApi, ActivatingAnExpiredTaskIs412) {
  std::string id = CreateTask();
  clock_.Set(*ParseIso8601("2031-01-01T00:00:00Z"));
  Reply r = Call("POST", "/api/v1/tasks/" + id + "/activate", inspector_, "");
  EXPECT_EQ(r.status, 412);
  EXPECT_EQ(r.ErrorField(), "schedule.valid_to");
}

}  // namespace
}  // namespace tilsyn::server::testing

namespace tilsyn::server::testing {
namespace {

Json WithEmailAction() {
  Json body = ValidTaskJson();
  body["actions"] =
      Json::array({{{"type", "email"}, {"on", {"finding"}}, {"to", {"tilsyn@kk.dk"}}}});
  return body;
}

TEST_F(ApiTest, AnEmailActionWithoutAnSmtpServerIsRefusedNamingTheAction) {
  Reply r = Call("POST", "/api/v1/tasks", inspector_, WithEmailAction());
  EXPECT_EQ(r.status, 400) << r.raw.body;
  EXPECT_EQ(r.ErrorField(), "actions[0].type");
  EXPECT_NE(r.raw.body.find("SMTP"), std::string::npos);
}

class EmailEnabledApi : public ApiTest {
  void ConfigureContext(ApiContext& ctx) override { ctx.email_enabled = true; }
};

TEST_F(EmailEnabledApi, AnEmailActionIsStoredWithItsRecipients) {
  Reply r = Call("POST", "/api/v1/tasks", inspector_, WithEmailAction());
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.json["actions"][0]["to"][0], "tilsyn@kk.dk");
  EXPECT_EQ(r.json["actions"][0]["language"], "da");
}

}  // namespace
}  // namespace tilsyn::server::testing
