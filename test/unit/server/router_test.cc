#include "server/router.h"

#include <gtest/gtest.h>

namespace tilsyn::server {
namespace {

net::HttpRequest Req(const std::string& method, const std::string& path,
                     const std::string& auth = "") {
  net::HttpRequest r;
  r.method = method;
  r.path = r.target = path;
  if (!auth.empty()) r.headers["authorization"] = auth;
  return r;
}

// Authenticates "Bearer admin" / "Bearer vehicle"; anything else is unknown.
Router MakeRouter() {
  Router router([](const net::HttpRequest& req) -> Result<Principal> {
    if (req.Header("authorization") == "Bearer admin")
      return Principal{store::Role::kAdmin, "a", {}, ""};
    if (req.Header("authorization") == "Bearer vehicle") {
      return Principal{store::Role::kVehicle, "v1", {}, ""};
    }
    return Status::Unauthenticated("unknown token");
  });
  auto echo = [](const ApiRequest& r) -> Result<net::HttpResponse> {
    Json j = {{"id", r.Param("id")}, {"sub", r.Param("sub")}, {"missing", r.Param("nope")}};
    if (r.principal) j["who"] = r.principal->subject;
    return net::HttpResponse::JsonBody(200, j);
  };
  router.Add({"GET", "/things/{id}", {}, "get", "t"}, echo);
  router.Add({"PUT", "/things/{id}", {store::Role::kAdmin}, "put", "t"}, echo);
  router.Add({"GET", "/things/{id}/parts/{sub}", {}, "parts", "t"}, echo);
  router.Add({"POST", "/fail", {}, "fail", "t"},
             [](const ApiRequest&) -> Result<net::HttpResponse> {
               return Status::FailedPrecondition("not now", "status");
             });
  return router;
}

TEST(Router, ExtractsPathParameters) {
  Router router = MakeRouter();
  net::HttpResponse r = router.Handle(Req("GET", "/things/42/parts/x%20y"));
  ASSERT_EQ(r.status, 200);
  Json j = Json::parse(r.body);
  EXPECT_EQ(j["id"], "42");
  EXPECT_EQ(j["sub"], "x%20y");
  EXPECT_EQ(j["missing"], "");
}

TEST(Router, UnknownPathIs404Json) {
  Router router = MakeRouter();
  for (const std::string p : {"/nothing", "/things", "/things/1/2", "/things/1/parts", "/"}) {
    net::HttpResponse r = router.Handle(Req("GET", p));
    EXPECT_EQ(r.status, 404) << p;
    EXPECT_EQ(Json::parse(r.body)["error"]["code"], "not_found");
  }
}

TEST(Router, WrongMethodOnKnownPathIs405WithAllow) {
  Router router = MakeRouter();
  net::HttpResponse r = router.Handle(Req("DELETE", "/things/1"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Json::parse(r.body)["error"]["code"], "method_not_allowed");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Allow");
  EXPECT_EQ(r.headers[0].second, "GET, PUT");
}

TEST(Router, RolesAreCheckedBeforeTheHandler) {
  Router router = MakeRouter();
  EXPECT_EQ(router.Handle(Req("PUT", "/things/1")).status, 401);
  EXPECT_EQ(router.Handle(Req("PUT", "/things/1", "Bearer nobody")).status, 401);
  EXPECT_EQ(router.Handle(Req("PUT", "/things/1", "Bearer vehicle")).status, 403);
  net::HttpResponse ok = router.Handle(Req("PUT", "/things/1", "Bearer admin"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(Json::parse(ok.body)["who"], "a");
  // Public routes need no token and get no principal.
  EXPECT_FALSE(Json::parse(router.Handle(Req("GET", "/things/1")).body).contains("who"));
}

TEST(Router, HandlerErrorsBecomeJsonErrors) {
  Router router = MakeRouter();
  net::HttpResponse r = router.Handle(Req("POST", "/fail"));
  EXPECT_EQ(r.status, 412);
  Json j = Json::parse(r.body);
  EXPECT_EQ(j["error"]["code"], "failed_precondition");
  EXPECT_EQ(j["error"]["field"], "status");
}

TEST(Router, SpecsListEveryRouteInOrder) {
  Router router = MakeRouter();
  auto specs = router.Specs();
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(specs[1].method, "PUT");
  EXPECT_EQ(specs[1].pattern, "/things/{id}");
}

TEST(Authorize, OnlyListedRolesPass) {
  Principal p{store::Role::kDpo, "d", {}, ""};
  EXPECT_TRUE(Authorize(p, {store::Role::kAdmin, store::Role::kDpo}).ok());
  EXPECT_EQ(Authorize(p, {store::Role::kAdmin}).code(), Code::kPermissionDenied);
}

}  // namespace
}  // namespace tilsyn::server
