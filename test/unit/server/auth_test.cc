#include "server/auth.h"

#include <gtest/gtest.h>

#include "core/crypto.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

using AuthApi = ApiTest;

TEST_F(AuthApi, MissingMalformedOrUnknownTokenIs401) {
  for (const std::string& header :
       {std::string(""), std::string("Basic dXNlcjpwYXNz"), std::string("Bearer "),
        std::string("Bearer not-a-real-token"), std::string("Bearer")}) {
    net::HttpRequest req;
    req.method = "GET";
    req.path = req.target = "/api/v1/tasks";
    if (!header.empty()) req.headers["authorization"] = header;
    net::HttpResponse r = router_->Handle(req);
    EXPECT_EQ(r.status, 401) << header;
    EXPECT_EQ(Json::parse(r.body)["error"]["code"], "unauthenticated");
  }
}

TEST_F(AuthApi, TokensAreStoredOnlyAsHashesAndSchemeIsCaseInsensitive) {
  auto rec = store_->GetTokenByHash(Sha256Hex(admin_));
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->subject, "alice");
  EXPECT_EQ(rec->role, store::Role::kAdmin);
  EXPECT_EQ(rec->token_hash.find(admin_), std::string::npos);
  net::HttpRequest req;
  req.headers["authorization"] = "bearer  " + admin_ + " ";
  auto p = AuthenticateBearer(store_.get(), req);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->subject, "alice");
}

TEST_F(AuthApi, WithVehicleCertificatesAVehicleTokenNeedsItsOwnCertificate) {
  auto [vehicle, token] = CreateVehicleWithToken();
  Router::Authenticator auth = MakeBearerAuthenticator(store_.get(), /*vehicle_certs=*/true);
  auto with = [&](const std::string& bearer, const std::string& cert_subject) {
    net::HttpRequest req;
    req.headers["authorization"] = "Bearer " + bearer;
    req.client_cert_subject = cert_subject;
    return auth(req);
  };
  EXPECT_TRUE(with(token, vehicle).ok());
  EXPECT_EQ(with(token, "").status().code(), Code::kUnauthenticated);  // a stolen token alone
  EXPECT_EQ(with(token, "another-vehicle").status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(with(inspector_, "").ok()) << "people's tokens need no certificate";
  // Without the setting, tokens alone work as before.
  net::HttpRequest plain;
  plain.headers["authorization"] = "Bearer " + token;
  EXPECT_TRUE(MakeBearerAuthenticator(store_.get())(plain).ok());
}

TEST_F(AuthApi, RoleMatrix) {
  auto [vehicle_id, vtoken] = CreateVehicleWithToken();
  std::string task = CreateTask();
  struct Case {
    std::string method, path;
    std::string token;
    int want;
  };
  std::string body = ValidTaskJson().dump();
  std::vector<Case> cases = {
      // Vehicles can neither read nor write tasks, nor list vehicles.
      {"GET", "/api/v1/tasks", vtoken, 403},
      {"GET", "/api/v1/tasks/" + task, vtoken, 403},
      {"POST", "/api/v1/tasks", vtoken, 403},
      {"GET", "/api/v1/vehicles", vtoken, 403},
      {"GET", "/api/v1/assessments", vtoken, 403},
      {"GET", "/api/v1/summary", vtoken, 403},
      // The DPO reads but does not change tasks.
      {"GET", "/api/v1/tasks", dpo_, 200},
      {"POST", "/api/v1/tasks", dpo_, 403},
      {"POST", "/api/v1/tasks/" + task + "/activate", dpo_, 403},
      {"GET", "/api/v1/stats/services", dpo_, 200},
      {"GET", "/api/v1/summary", dpo_, 200},
      {"GET", "/api/v1/assessments", dpo_, 200},
      // Only admins register vehicles and issue tokens.
      {"POST", "/api/v1/vehicles", inspector_, 403},
      {"POST", "/api/v1/vehicles/" + vehicle_id + "/token", inspector_, 403},
      {"GET", "/api/v1/vehicles", inspector_, 200},
      // Job sync and uploads are for vehicles only.
      {"GET", "/api/v1/jobs", admin_, 403},
      {"GET", "/api/v1/jobs", inspector_, 403},
      {"POST", "/api/v1/observations", inspector_, 403},
      {"GET", "/api/v1/jobs", vtoken, 200},
      // No token at all.
      {"GET", "/api/v1/jobs", "", 401},
      {"POST", "/api/v1/observations", "", 401},
      {"GET", "/api/v1/action-runs", "", 401},
      // Public.
      {"GET", "/healthz", "", 200},
      {"GET", "/api/v1/openapi.json", "", 200},
  };
  for (const auto& c : cases) {
    Reply r = Call(c.method, c.path, c.token, c.method == "POST" ? body : "");
    EXPECT_EQ(r.status, c.want) << c.method << " " << c.path << ": " << r.raw.body;
    if (c.want == 403) {
      EXPECT_EQ(r.ErrorCode(), "permission_denied");
    }
  }
}

TEST_F(AuthApi, IssueTokenRejectsUnknownRole) {
  auto t = IssueToken(store_.get(), "superuser", "x", &clock_);
  EXPECT_EQ(t.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(t.status().field(), "role");
}

TEST_F(AuthApi, VehicleTokenIssuedOnlyForKnownVehicles) {
  Reply r = Call("POST", "/api/v1/vehicles/unknown/token", admin_, "");
  EXPECT_EQ(r.status, 404);
}

}  // namespace
}  // namespace tilsyn::server::testing
