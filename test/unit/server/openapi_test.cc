#include "server/openapi.h"

#include <gtest/gtest.h>

#include <set>

#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

using OpenApi = ApiTest;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(OpenApi, DocumentListsExactlyTheRouterRoutes) {
  Reply r = Call("GET", "/api/v1/openapi.json", "");
  ASSERT_EQ(r.status, 200);
  const Json& doc = r.json;
  EXPECT_EQ(doc["openapi"], "3.0.3");

  std::set<std::pair<std::string, std::string>> from_router, from_doc;
  for (const auto& spec : router_->Specs()) from_router.insert({spec.pattern, Lower(spec.method)});
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) from_doc.insert({path, method});
  }
  EXPECT_EQ(from_router, from_doc);
  // Spot checks that the table is the API of docs/api.md.
  EXPECT_TRUE(from_doc.count({"/api/v1/tasks/{id}/activate", "post"}));
  EXPECT_TRUE(from_doc.count({"/api/v1/observations", "post"}));
  EXPECT_TRUE(from_doc.count({"/api/v1/openapi.json", "get"}));
  EXPECT_GE(from_doc.size(), 21u);
}

TEST_F(OpenApi, EveryReferencedSchemaIsDefined) {
  Json doc = BuildOpenApi(router_->Specs());
  const Json& schemas = doc["components"]["schemas"];
  std::vector<std::string> refs;
  std::function<void(const Json&)> walk = [&](const Json& j) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) {
        if (k == "$ref") refs.push_back(v.get<std::string>());
        walk(v);
      }
    } else if (j.is_array()) {
      for (const auto& v : j) walk(v);
    }
  };
  walk(doc);
  ASSERT_FALSE(refs.empty());
  for (const auto& ref : refs) {
    const std::string prefix = "#/components/schemas/";
    ASSERT_EQ(ref.rfind(prefix, 0), 0u) << ref;
    EXPECT_TRUE(schemas.contains(ref.substr(prefix.size()))) << ref;
  }
}

TEST_F(OpenApi, SecuredRoutesDeclareBearerAndRoles) {
  Json doc = BuildOpenApi(router_->Specs());
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
  const Json& create = doc["paths"]["/api/v1/tasks"]["post"];
  EXPECT_EQ(create["security"][0].begin().key(), "bearer");
  EXPECT_EQ(create["x-roles"], Json::array({"admin", "inspector"}));
  EXPECT_TRUE(create["responses"].contains("201"));
  EXPECT_TRUE(create["responses"].contains("401"));
  EXPECT_EQ(create["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/TaskInput");
  const Json& health = doc["paths"]["/healthz"]["get"];
  EXPECT_TRUE(health["security"].empty());
  const Json& upload = doc["paths"]["/api/v1/observations"]["post"];
  EXPECT_TRUE(upload["requestBody"]["content"].contains("multipart/form-data"));
  const Json& get_task = doc["paths"]["/api/v1/tasks/{id}"]["get"];
  EXPECT_EQ(get_task["parameters"][0]["name"], "id");
  EXPECT_EQ(get_task["parameters"][0]["in"], "path");
  std::set<std::string> op_ids;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      EXPECT_TRUE(op_ids.insert(op["operationId"].get<std::string>()).second)
          << "duplicate operationId " << op["operationId"];
    }
  }
}

}  // namespace
}  // namespace tilsyn::server::testing
