#include <gtest/gtest.h>

#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

using VehiclesApi = ApiTest;

TEST_F(VehiclesApi, CreateListAndIssueToken) {
  Reply c = Call("POST", "/api/v1/vehicles", admin_,
                 Json{{"name", "Sweeper 7"}, {"kind", "sweeper"}, {"lane", "bike_lane"}});
  ASSERT_EQ(c.status, 201) << c.raw.body;
  EXPECT_EQ(c.json["lane"], "bike_lane");
  EXPECT_TRUE(c.json["last_position"].is_null());
  std::string id = c.json["id"];
  Reply l = Call("GET", "/api/v1/vehicles", inspector_);
  ASSERT_EQ(l.json["vehicles"].size(), 1u);
  EXPECT_EQ(l.json["vehicles"][0]["name"], "Sweeper 7");

  Reply t = Call("POST", "/api/v1/vehicles/" + id + "/token", admin_, "");
  ASSERT_EQ(t.status, 201);
  std::string token = t.json["token"];
  EXPECT_EQ(token.size(), 64u);
  // The token works for the vehicle's own endpoints.
  EXPECT_EQ(Call("GET", "/api/v1/jobs", token).status, 200);
}

TEST_F(VehiclesApi, BadInputNamesTheField) {
  EXPECT_EQ(Call("POST", "/api/v1/vehicles", admin_, Json::object()).ErrorField(), "name");
  EXPECT_EQ(Call("POST", "/api/v1/vehicles", admin_, Json{{"name", ""}}).ErrorField(), "name");
  EXPECT_EQ(
      Call("POST", "/api/v1/vehicles", admin_, Json{{"name", "x"}, {"lane", "sky"}}).ErrorField(),
      "lane");
  EXPECT_EQ(Call("POST", "/api/v1/vehicles", admin_, Json{{"name", "x"}, {"kind", "Big Truck!"}})
                .ErrorField(),
            "kind");
  EXPECT_EQ(Call("POST", "/api/v1/vehicles", admin_, std::string("nope")).ErrorField(), "body");
  EXPECT_TRUE(Call("GET", "/api/v1/vehicles", admin_).json["vehicles"].empty());
}

}  // namespace
}  // namespace tilsyn::server::testing
