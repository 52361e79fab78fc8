// Handler-level API tests without sockets: the real router over a real SQLite store and blob
// folder in a TempDir, a FakeClock, and tokens for every role.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/time_format.h"
#include "fakes/test_store.h"
#include "fakes/test_paths.h"
#include "net/http.h"
#include "server/api/api.h"
#include "server/app.h"
#include "store/blob_store.h"
#include "store/store.h"

namespace tilsyn::server::testing {

struct Reply {
  int status = 0;
  Json json;
  net::HttpResponse raw;
  std::string ErrorField() const {
    return json.is_object() && json.contains("error") ? json["error"].value("field", "") : "";
  }
  std::string ErrorCode() const {
    return json.is_object() && json.contains("error") ? json["error"].value("code", "") : "";
  }
};

// 2023-11-14T22:13:20Z, inside ValidTaskJson()'s validity period.
inline constexpr TimeMs kNow = 1'700'000'000'000;

inline Json ValidTaskJson() {
  return Json::parse(R"({
    "title": "Skip at Nørrebrogade 12", "unit": "TMF", "kind": "presence",
    "targets": [{"label": "person", "min_confidence": 0.6}],
    "area": {"type": "Point", "coordinates": [12.5683, 55.6761], "radius_m": 50},
    "schedule": {"valid_from": "2023-01-01T00:00:00Z", "valid_to": "2030-01-01T00:00:00Z",
                 "time_zone": "Europe/Copenhagen"},
    "actions": [{"type": "webhook", "on": ["finding"], "url": "http://127.0.0.1:9/hook",
                 "secret": "s3cret"},
                {"type": "log", "on": ["ok", "finding", "inconclusive"]}],
    "retention": {"evidence_days": 30}
  })");
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto st = ::tilsyn::testing::OpenTestStore(dir_.path());
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(st).value();
    auto bl = store::OpenDirBlobStore(dir_.Sub("images"));
    ASSERT_TRUE(bl.ok()) << bl.status().ToString();
    blobs_ = std::move(bl).value();
    ctx_.store = store_.get();
    ctx_.blobs = blobs_.get();
    ctx_.clock = &clock_;
    ctx_.notify = [this] { ++notified_; };
    ConfigureContext(ctx_);
    router_ = BuildApiRouter(ctx_);
    admin_ = Token("admin", "alice");
    inspector_ = Token("inspector", "ivan");
    dpo_ = Token("dpo", "dora");
  }

  // Tests that need an ingest set it here.
  virtual void ConfigureContext(ApiContext& ctx) {}

  std::string Token(const std::string& role, const std::string& subject) {
    auto t = IssueToken(store_.get(), role, subject, &clock_);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : "";
  }

  Reply Call(const std::string& method, const std::string& target, const std::string& token,
             const std::string& body = "", const std::string& content_type = "application/json") {
    net::HttpRequest req;
    req.method = method;
    req.target = target;
    size_t q = target.find('?');
    req.path = net::UrlDecode(target.substr(0, q), false);
    if (q != std::string::npos) req.query = net::ParseQuery(target.substr(q + 1));
    if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
    if (!body.empty()) req.headers["content-type"] = content_type;
    req.body = body;
    Reply r;
    r.raw = router_->Handle(req);
    r.status = r.raw.status;
    if (r.raw.content_type == "application/json") {
      r.json = Json::parse(r.raw.body, nullptr, false);
      EXPECT_FALSE(r.json.is_discarded()) << "not JSON: " << r.raw.body;
    }
    return r;
  }
  Reply Call(const std::string& method, const std::string& target, const std::string& token,
             const char* body) {
    return Call(method, target, token, std::string(body));
  }
  Reply Call(const std::string& method, const std::string& target, const std::string& token,
             const Json& body) {
    return Call(method, target, token, body.dump());
  }

  // Creates a task as the inspector; returns its id.
  std::string CreateTask(Json body = ValidTaskJson()) {
    Reply r = Call("POST", "/api/v1/tasks", inspector_, body);
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return r.json.value("id", "");
  }
  std::string CreateActiveTask(Json body = ValidTaskJson()) {
    std::string id = CreateTask(body);
    Reply r = Call("POST", "/api/v1/tasks/" + id + "/activate", inspector_, "");
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return id;
  }
  // Registers a vehicle as admin and returns {id, token}.
  std::pair<std::string, std::string> CreateVehicleWithToken(
      const std::string& name = "sweeper 7") {
    Reply v = Call("POST", "/api/v1/vehicles", admin_, Json{{"name", name}});
    EXPECT_EQ(v.status, 201) << v.raw.body;
    std::string id = v.json.value("id", "");
    Reply t = Call("POST", "/api/v1/vehicles/" + id + "/token", admin_, "");
    EXPECT_EQ(t.status, 201) << t.raw.body;
    return {id, t.json.value("token", "")};
  }

  tilsyn::testing::TempDir dir_;
  FakeClock clock_{kNow};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::BlobStore> blobs_;
  ApiContext ctx_;
  std::unique_ptr<Router> router_;
  int notified_ = 0;
  std::string admin_, inspector_, dpo_;
};

}  // namespace tilsyn::server::testing
