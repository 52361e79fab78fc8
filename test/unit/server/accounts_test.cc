// People's accounts over the API: login with a password gives an HttpOnly session cookie and a
// CSRF token; a change without the token is refused; failed logins lock the account; logout,
// disabling and a new password end sessions; tokens expire and are revoked; an inspector with
// units sees and edits only their units' tasks; every login and permission change is audited.
#include <algorithm>
#include <map>
#include <regex>
#include <thread>

#include "api_fixture.h"
#include "core/ids.h"
#include "fakes/fake_world.h"
#include "server/password.h"

namespace tilsyn::server::testing {
namespace {

constexpr const char* kPassword = "correct horse battery";

std::string HeaderOf(const net::HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

struct Session {
  std::string cookie, csrf;
};

class AccountsTest : public ApiTest {
 protected:
  void CreateUser(const std::string& name, const std::string& role, Json units = Json::array()) {
    Reply r = Call("POST", "/api/v1/users", admin_,
                   Json{{"name", name}, {"role", role}, {"password", kPassword}, {"units", units}});
    ASSERT_EQ(r.status, 201) << r.raw.body;
  }

  Reply Login(const std::string& name, const std::string& password) {
    return Call("POST", "/api/v1/login", "", Json{{"name", name}, {"password", password}});
  }

  Session LogIn(const std::string& name, const std::string& password = kPassword) {
    Reply r = Login(name, password);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    std::smatch m;
    const std::string set_cookie = HeaderOf(r.raw, "Set-Cookie");
    EXPECT_TRUE(std::regex_search(set_cookie, m, std::regex("tilsyn_session=([0-9a-f]{64})")))
        << set_cookie;
    return {m.size() > 1 ? m[1].str() : "", r.json.value("csrf_token", "")};
  }

  // A request as the browser sends it: the cookie, and the CSRF header when `csrf` is given.
  Reply AsBrowser(const std::string& method, const std::string& target, const std::string& cookie,
                  const std::string& csrf, const Json& body = nullptr) {
    net::HttpRequest req;
    req.method = method;
    req.target = target;
    req.path = target.substr(0, target.find('?'));
    req.headers["cookie"] = "lang=da; tilsyn_session=" + cookie;
    if (!csrf.empty()) req.headers["x-csrf-token"] = csrf;
    if (!body.is_null()) {
      req.headers["content-type"] = "application/json";
      req.body = body.dump();
    }
    Reply r;
    r.raw = router_->Handle(req);
    r.status = r.raw.status;
    r.json = Json::parse(r.raw.body, nullptr, false);
    return r;
  }

  std::vector<std::string> AuditActions() {
    Reply r = Call("GET", "/api/v1/audit?limit=1000", admin_);
    std::vector<std::string> out;
    for (const Json& e : r.json.value("events", Json::array()))
      out.push_back(e.value("action", ""));
    return out;
  }
};

TEST(Password, IsHashedWithArgon2idAndVerified) {
  auto h = HashPassword(kPassword);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword(*h, kPassword).value());
  EXPECT_FALSE(VerifyPassword(*h, "correct horse battery!").value());
  EXPECT_FALSE(VerifyPassword("", kPassword).value());  // an unknown user never matches
  EXPECT_NE(*HashPassword(kPassword), *h) << "salted";
  EXPECT_EQ(HashPassword("short").status().field(), "password");
}

TEST_F(AccountsTest, ALoginGivesAnHttpOnlyStrictCookieAndTheCsrfTokenAgainAfterAReload) {
  CreateUser("anna", "inspector");
  Reply r = Login("anna", kPassword);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  const std::string set_cookie = HeaderOf(r.raw, "Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain HTTP (loopback)";
  EXPECT_EQ(r.json["role"], "inspector");
  EXPECT_EQ(r.json["csrf_token"].get<std::string>().size(), 64u);
  Session s = LogIn("anna");
  Reply me = AsBrowser("GET", "/api/v1/me", s.cookie, "");
  ASSERT_EQ(me.status, 200) << me.raw.body;
  EXPECT_EQ(me.json["subject"], "anna");
  EXPECT_EQ(me.json["csrf_token"], s.csrf);
  EXPECT_EQ(AsBrowser("GET", "/api/v1/me", std::string(64, 'a'), "").status, 401);
}

TEST_F(AccountsTest, OverTlsTheCookieIsSecure) {
  ctx_.tls = true;
  router_ = BuildApiRouter(ctx_);
  CreateUser("anna", "inspector");
  EXPECT_NE(HeaderOf(Login("anna", kPassword).raw, "Set-Cookie").find("; Secure"),
            std::string::npos);
}

TEST_F(AccountsTest, AChangeWithoutTheCsrfTokenIsRefused) {
  CreateUser("anna", "inspector");
  Session s = LogIn("anna");
  Reply no_token = AsBrowser("POST", "/api/v1/tasks", s.cookie, "", ValidTaskJson());
  EXPECT_EQ(no_token.status, 403) << no_token.raw.body;
  EXPECT_EQ(no_token.ErrorField(), "X-CSRF-Token");
  Reply wrong = AsBrowser("POST", "/api/v1/tasks", s.cookie, std::string(64, '0'), ValidTaskJson());
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/tasks", admin_).json["tasks"].size(), 0u) << "nothing written";
  Reply ok = AsBrowser("POST", "/api/v1/tasks", s.cookie, s.csrf, ValidTaskJson());
  EXPECT_EQ(ok.status, 201) << ok.raw.body;
  EXPECT_EQ(ok.json["owner"], "anna");
}

TEST_F(AccountsTest, AWrongPasswordAndAnUnknownNameGetTheSameAnswer) {
  CreateUser("anna", "inspector");
  Reply wrong = Login("anna", "not the password");
  Reply unknown = Login("nobody", kPassword);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.raw.body, unknown.raw.body);
  EXPECT_EQ(Login("anna", "").status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/login", "", "{\"name\": 1}").ErrorField(), "name");
  EXPECT_EQ(Call("POST", "/api/v1/login", "", "not json").status, 400);
}

TEST_F(AccountsTest, FiveFailedLoginsLockTheAccountForAQuarterOfAnHour) {
  CreateUser("anna", "inspector");
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(Login("anna", "guess number " + std::to_string(i)).status, 401);
  Reply locked = Login("anna", kPassword);
  EXPECT_EQ(locked.status, 429) << "locked even with the right password";
  EXPECT_FALSE(HeaderOf(locked.raw, "Retry-After").empty());
  EXPECT_TRUE(Call("GET", "/api/v1/users", admin_).json["users"][0]["locked"].get<bool>());
  clock_.Advance(15 * 60'000 + 1);
  EXPECT_EQ(Login("anna", kPassword).status, 200);
  const auto actions = AuditActions();
  auto count = [&](const std::string& a) { return std::count(actions.begin(), actions.end(), a); };
  EXPECT_EQ(count("user.login_failed"), 5);  // four failures, then the locked attempt
  EXPECT_EQ(count("user.locked"), 1);
  EXPECT_EQ(count("user.login"), 1);
  EXPECT_EQ(count("user.create"), 1);
}

TEST_F(AccountsTest, ParallelGuessesAreCountedSoOnlyFiveAreChecked) {
  CreateUser("anna", "inspector");
  constexpr int kGuesses = 12;
  std::vector<int> statuses(kGuesses);
  std::vector<std::thread> threads;
  for (int i = 0; i < kGuesses; ++i) {
    threads.emplace_back(
        [&, i] { statuses[i] = Login("anna", "guess " + std::to_string(i)).status; });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 401), 5);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 429), kGuesses - 5);
  EXPECT_EQ(Login("anna", kPassword).status, 429);
  // An admin lifts the lock.
  ASSERT_EQ(Call("PATCH", "/api/v1/users/anna", admin_, Json{{"unlock", true}}).status, 200);
  EXPECT_EQ(Login("anna", kPassword).status, 200);
}

TEST_F(AccountsTest, AnAccountGovernsItsOwnersTokensAndUnknownNamesAreNotKept) {
  CreateUser("ivan", "inspector", {"BIF"});  // the fixture's inspector token is ivan's
  Reply tmf = Call("POST", "/api/v1/tasks", inspector_, ValidTaskJson());  // unit TMF
  EXPECT_EQ(tmf.status, 403) << "a token of an account with units orders only for them";
  EXPECT_EQ(tmf.ErrorField(), "unit");
  ASSERT_EQ(Call("PATCH", "/api/v1/users/ivan", admin_, Json{{"disabled", true}}).status, 200);
  Reply refused = Call("GET", "/api/v1/me", inspector_);
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.raw.body.find("disabled"), std::string::npos);

  EXPECT_EQ(Login("correct-horse-typed-as-name", "x").status, 401);
  Reply audit = Call("GET", "/api/v1/audit?limit=1000", admin_);
  EXPECT_EQ(audit.raw.body.find("correct-horse-typed-as-name"), std::string::npos)
      << "an unknown name (maybe a password) is not kept in the audit trail";
  EXPECT_EQ(Call("POST", "/api/v1/users", admin_,
                 Json{{"name", "a/b"}, {"role", "dpo"}, {"password", kPassword}})
                .ErrorField(),
            "name");
}

TEST_F(AccountsTest, LogoutDisablingAndANewPasswordEndSessions) {
  CreateUser("anna", "inspector");
  Session a = LogIn("anna");
  EXPECT_EQ(AsBrowser("POST", "/api/v1/logout", a.cookie, "").status, 403) << "CSRF-protected";
  Reply out = AsBrowser("POST", "/api/v1/logout", a.cookie, a.csrf);
  EXPECT_EQ(out.status, 200) << out.raw.body;
  EXPECT_NE(HeaderOf(out.raw, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(AsBrowser("GET", "/api/v1/me", a.cookie, "").status, 401);

  Session b = LogIn("anna");
  ASSERT_EQ(
      Call("PATCH", "/api/v1/users/anna", admin_, Json{{"password", "another long one"}}).status,
      200);
  EXPECT_EQ(AsBrowser("GET", "/api/v1/me", b.cookie, "").status, 401);
  EXPECT_EQ(Login("anna", kPassword).status, 401);
  EXPECT_EQ(Login("anna", "another long one").status, 200);

  Session c = LogIn("anna", "another long one");
  ASSERT_EQ(Call("PATCH", "/api/v1/users/anna", admin_, Json{{"disabled", true}}).status, 200);
  EXPECT_EQ(AsBrowser("GET", "/api/v1/me", c.cookie, "").status, 401);
  EXPECT_EQ(Login("anna", "another long one").status, 401);

  clock_.Advance(1);
  ASSERT_EQ(Call("PATCH", "/api/v1/users/anna", admin_, Json{{"disabled", false}}).status, 200);
  Session d = LogIn("anna", "another long one");
  clock_.Advance(12 * 3'600'000);
  EXPECT_EQ(AsBrowser("GET", "/api/v1/me", d.cookie, "").status, 401) << "expired";
}

TEST_F(AccountsTest, ARoleChangeTakesEffectAtOnceAndIsAudited) {
  CreateUser("anna", "dpo");
  Session s = LogIn("anna");
  EXPECT_EQ(AsBrowser("GET", "/api/v1/users", s.cookie, "").status, 403);
  Reply r = Call("PATCH", "/api/v1/users/anna", admin_, Json{{"role", "admin"}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(AsBrowser("GET", "/api/v1/users", s.cookie, "").status, 200);
  // An admin cannot lock themselves out.
  Reply self = AsBrowser("PATCH", "/api/v1/users/anna", s.cookie, s.csrf, Json{{"role", "dpo"}});
  EXPECT_EQ(self.status, 412) << self.raw.body;
  Reply audit = Call("GET", "/api/v1/audit?limit=1000", admin_);
  bool found = false;
  for (const Json& e : audit.json["events"]) {
    if (e["action"] == "user.change") {
      found = true;
      EXPECT_EQ(e["user"], "alice");
      EXPECT_EQ(e["details"]["role"]["from"], "dpo");
      EXPECT_EQ(e["details"]["role"]["to"], "admin");
    }
  }
  EXPECT_TRUE(found) << audit.raw.body;
}

TEST_F(AccountsTest, BadAccountRequestsNameTheField) {
  auto post = [&](Json body) { return Call("POST", "/api/v1/users", admin_, body); };
  EXPECT_EQ(post({{"name", "x"}, {"role", "inspector"}, {"password", "short"}}).ErrorField(),
            "password");
  EXPECT_EQ(post({{"name", "x"}, {"role", "vehicle"}, {"password", kPassword}}).ErrorField(),
            "role");
  EXPECT_EQ(post({{"name", ""}, {"role", "dpo"}, {"password", kPassword}}).ErrorField(), "name");
  EXPECT_EQ(post({{"name", "x"}, {"role", "dpo"}, {"password", kPassword}, {"units", "TMF"}})
                .ErrorField(),
            "units");
  EXPECT_EQ(
      post({{"name", "x"}, {"role", "dpo"}, {"password", kPassword}, {"admin", true}}).ErrorField(),
      "admin");
  CreateUser("anna", "inspector");
  EXPECT_EQ(post({{"name", "anna"}, {"role", "dpo"}, {"password", kPassword}}).status, 409);
  EXPECT_EQ(Call("PATCH", "/api/v1/users/nobody", admin_, Json{{"disabled", true}}).status, 404);
  EXPECT_EQ(Call("PATCH", "/api/v1/users/anna", admin_, Json::object()).status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/users", inspector_,
                 Json{{"name", "y"}, {"role", "admin"}, {"password", kPassword}})
                .status,
            403);
  Reply list = Call("GET", "/api/v1/users", admin_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.raw.body.find("argon2"), std::string::npos) << "no hashes leave the server";
}

TEST_F(AccountsTest, TokensExpireAndCanBeRevokedById) {
  auto expiring = IssueToken(store_.get(), "inspector", "temp", &clock_, 86'400'000);
  ASSERT_TRUE(expiring.ok());
  EXPECT_EQ(Call("GET", "/api/v1/me", *expiring).status, 200);
  clock_.Advance(86'400'000);
  EXPECT_EQ(Call("GET", "/api/v1/me", *expiring).status, 401);

  Reply list = Call("GET", "/api/v1/tokens", admin_);
  ASSERT_EQ(list.status, 200);
  std::string id;
  for (const Json& t : list.json["tokens"]) {
    if (t["subject"] == "ivan") id = t["id"];
  }
  ASSERT_EQ(id.size(), 12u) << list.raw.body;
  EXPECT_EQ(list.raw.body.find(inspector_), std::string::npos) << "tokens are never shown again";
  EXPECT_EQ(Call("DELETE", "/api/v1/tokens/" + id, inspector_).status, 403);
  Reply revoked = Call("DELETE", "/api/v1/tokens/" + id, admin_);
  EXPECT_EQ(revoked.status, 200) << revoked.raw.body;
  Reply after = Call("GET", "/api/v1/me", inspector_);
  EXPECT_EQ(after.status, 401);
  EXPECT_NE(after.raw.body.find("revoked"), std::string::npos);
  EXPECT_EQ(Call("DELETE", "/api/v1/tokens/000000000000", admin_).status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/tokens/short", admin_).ErrorField(), "id");
}

TEST_F(AccountsTest, AnInspectorWithUnitsSeesAndEditsOnlyTheirUnitsTasks) {
  Json other = ValidTaskJson();
  other["unit"] = "BIF";
  const std::string bif = CreateTask(other);  // by the token inspector (no units)
  const std::string tmf = CreateTask();       // unit TMF
  Json shared = ValidTaskJson();
  shared.erase("unit");
  const std::string none = CreateTask(shared);
  CreateUser("anna", "inspector", {"TMF"});
  Session s = LogIn("anna");

  Reply list = AsBrowser("GET", "/api/v1/tasks", s.cookie, "");
  ASSERT_EQ(list.status, 200);
  std::set<std::string> ids;
  for (const Json& t : list.json["tasks"]) ids.insert(t["id"]);
  EXPECT_EQ(ids, (std::set<std::string>{tmf, none}));
  EXPECT_EQ(AsBrowser("GET", "/api/v1/tasks/" + bif, s.cookie, "").status, 404);
  EXPECT_EQ(AsBrowser("GET", "/api/v1/tasks/" + tmf, s.cookie, "").status, 200);
  Reply edit = AsBrowser("PUT", "/api/v1/tasks/" + bif, s.cookie, s.csrf, other);
  EXPECT_EQ(edit.status, 404) << edit.raw.body;
  EXPECT_EQ(AsBrowser("POST", "/api/v1/tasks/" + bif + "/activate", s.cookie, s.csrf).status, 404);
  EXPECT_EQ(AsBrowser("GET", "/api/v1/tasks/" + bif + "/coverage", s.cookie, "").status, 404);

  Json no_unit = ValidTaskJson();
  no_unit.erase("unit");
  Reply kept = AsBrowser("PUT", "/api/v1/tasks/" + none, s.cookie, s.csrf, no_unit);
  ASSERT_EQ(kept.status, 200) << kept.raw.body;
  EXPECT_EQ(kept.json.value("unit", ""), "") << "an edit without a unit keeps the task's (none)";
  Reply foreign = AsBrowser("POST", "/api/v1/tasks", s.cookie, s.csrf, other);
  EXPECT_EQ(foreign.status, 403) << foreign.raw.body;
  EXPECT_EQ(foreign.ErrorField(), "unit");
  Reply defaulted = AsBrowser("POST", "/api/v1/tasks", s.cookie, s.csrf, shared);
  ASSERT_EQ(defaulted.status, 201) << defaulted.raw.body;
  EXPECT_EQ(defaulted.json["unit"], "TMF") << "an inspector's task belongs to their unit";
  // Admins and DPOs see every unit.
  EXPECT_EQ(Call("GET", "/api/v1/tasks", dpo_).json["tasks"].size(), 4u);

  // What was found at another unit's site stays with that unit: assessments, their cases,
  // observations, exports.
  const std::string vehicle = CreateVehicleWithToken().first;
  std::map<std::string, std::string> observation_of, assessment_of;
  for (const std::string& task : {bif, tmf}) {
    const store::Observation o =
        ::tilsyn::testing::InsertObservation(store_.get(), store_->GetTask(task).value(), vehicle,
                                             kNow - 60'000, store::ObservationState::kDone);
    store::AssessmentRecord a;
    a.id = NewUuid();
    a.observation_id = o.id;
    a.task_id = task;
    a.outcome = "finding";
    a.reason = "1 person present, expected none";
    a.created_ms = kNow;
    store::ActionRunRecord run;
    run.id = NewUuid();
    run.assessment_id = a.id;
    run.task_id = task;
    run.type = "log";
    run.idempotency_key = NewUuid();
    run.created_ms = run.updated_ms = kNow;
    ASSERT_TRUE(store_->RecordAssessment(o.id, {}, a, {run}).ok());
    observation_of[task] = o.id;
    assessment_of[task] = a.id;
  }
  Reply assessments = AsBrowser("GET", "/api/v1/assessments", s.cookie, "");
  ASSERT_EQ(assessments.status, 200) << assessments.raw.body;
  ASSERT_EQ(assessments.json["assessments"].size(), 1u);
  EXPECT_EQ(assessments.json["assessments"][0]["task_id"], tmf);
  EXPECT_EQ(AsBrowser("GET", "/api/v1/assessments/" + assessment_of[bif], s.cookie, "").status,
            404);
  EXPECT_EQ(AsBrowser("GET", "/api/v1/assessments/" + assessment_of[tmf], s.cookie, "").status,
            200);
  EXPECT_EQ(AsBrowser("POST", "/api/v1/assessments/" + assessment_of[bif] + "/case", s.cookie,
                      s.csrf, Json{{"status", "in_progress"}})
                .status,
            404);
  EXPECT_EQ(AsBrowser("GET", "/api/v1/observations/" + observation_of[bif], s.cookie, "").status,
            404);
  Reply runs = AsBrowser("GET", "/api/v1/action-runs", s.cookie, "");
  ASSERT_EQ(runs.status, 200) << runs.raw.body;
  ASSERT_EQ(runs.json["action_runs"].size(), 1u);
  EXPECT_EQ(runs.json["action_runs"][0]["task_id"], tmf);
  Reply geojson = AsBrowser("GET", "/api/v1/exports/findings.geojson", s.cookie, "");
  ASSERT_EQ(geojson.status, 200);
  ASSERT_EQ(geojson.json["features"].size(), 1u);
  EXPECT_EQ(geojson.json["features"][0]["properties"]["task_id"], tmf);
  const Json all = Json::parse(Call("GET", "/api/v1/exports/findings.geojson", dpo_).raw.body);
  EXPECT_EQ(all["features"].size(), 2u);
}

}  // namespace
}  // namespace tilsyn::server::testing
