// /api/v1/permits: create, replace, list, get; bad permits named; roles; audited.
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

Json Permit(const std::string& id) {
  return {{"id", id},
          {"holder", "Container Service ApS"},
          {"area", {{"type", "Point"}, {"coordinates", {12.579, 55.679}}, {"radius_m", 15}}},
          {"valid_from", "2023-11-01T00:00:00Z"},
          {"valid_to", "2023-12-01T00:00:00Z"}};
}

class PermitsApi : public ApiTest {};

TEST_F(PermitsApi, CreateReplaceListGetAndAudit) {
  Reply r = Call("POST", "/api/v1/permits", inspector_, Permit("TMF-1"));
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.json["kind"], "container");
  Json changed = Permit("TMF-1");
  changed["valid_to"] = "2024-01-01T00:00:00Z";
  EXPECT_EQ(Call("POST", "/api/v1/permits", admin_, changed).status, 200);
  Json old = Permit("TMF-2");
  old["valid_from"] = "2023-01-01T00:00:00Z";
  old["valid_to"] = "2023-02-01T00:00:00Z";
  ASSERT_EQ(Call("POST", "/api/v1/permits", admin_, old).status, 201);

  Reply list = Call("GET", "/api/v1/permits", dpo_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["permits"].size(), 2u);
  Reply at = Call("GET", "/api/v1/permits?at=2023-11-14T00:00:00Z", inspector_);
  ASSERT_EQ(at.json["permits"].size(), 1u);
  EXPECT_EQ(at.json["permits"][0]["valid_to"], "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(Call("GET", "/api/v1/permits?at=soon", inspector_).ErrorField(), "at");
  EXPECT_EQ(Call("GET", "/api/v1/permits/TMF-2", inspector_).json["id"], "TMF-2");
  EXPECT_EQ(Call("GET", "/api/v1/permits/none", inspector_).status, 404);

  store::AuditFilter f;
  f.action = "permit.put";
  EXPECT_EQ(store_->ListAudit(f)->size(), 3u);
}

TEST_F(PermitsApi, BadPermitsAreRefusedNamingTheFieldAndRolesAreChecked) {
  Json bad = Permit("X");
  bad["valid_to"] = "2023-10-01T00:00:00Z";
  Reply r = Call("POST", "/api/v1/permits", inspector_, bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorField(), "valid_to");
  bad = Permit("X");
  bad.erase("area");
  EXPECT_EQ(Call("POST", "/api/v1/permits", inspector_, bad).ErrorField(), "area");
  EXPECT_EQ(Call("POST", "/api/v1/permits", inspector_, "{\"id\": ").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/permits", dpo_, Permit("Y")).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/permits", "", Permit("Y")).status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/permits", dpo_).json["permits"].size(), 0u);
}

}  // namespace
}  // namespace tilsyn::server::testing
