// GET /api/v1/capabilities and the refusal of tasks whose targets no configured service serves.
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

recognition::ServiceInfo Service(const std::string& name, std::vector<std::string> labels,
                                 recognition::DataTerms terms) {
  recognition::ServiceInfo s;
  s.name = s.type = name;
  s.labels = std::move(labels);
  s.terms = terms;
  return s;
}

class CapabilitiesApiTest : public ApiTest {
 protected:
  void ConfigureContext(ApiContext& ctx) override {
    recognition::ServiceInfo vendor =
        Service("vendor", {"vehicle", "person"}, recognition::DataTerms::kExternal);
    vendor.label_quality["vehicle"] = Json{{"ap50", 0.57}, {"known_failures", "small cars"}};
    ctx.capabilities = recognition::CapabilitiesOf(
        {Service("hog-person", {"person"}, recognition::DataTerms::kLocal), vendor});
  }
};

TEST_F(CapabilitiesApiTest, ListsEachLabelWithItsServicesAndDataClasses) {
  Reply r = Call("GET", "/api/v1/capabilities", inspector_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  const Json& labels = r.json["labels"];
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[0]["label"], "person");
  EXPECT_EQ(labels[0]["services"].size(), 2u);
  EXPECT_EQ(labels[0]["services"][0]["name"], "hog-person");
  EXPECT_EQ(labels[0]["data_classes"], Json({"local", "internal", "external"}));
  EXPECT_EQ(labels[1]["label"], "vehicle");
  EXPECT_EQ(labels[1]["services"][0]["terms"], "external");
  EXPECT_EQ(labels[1]["data_classes"], Json({"external"}));
  // Measured quality where the service knows it, nothing where it does not.
  EXPECT_EQ(labels[1]["services"][0]["quality"]["ap50"], 0.57);
  EXPECT_FALSE(labels[0]["services"][0].contains("quality"));
  EXPECT_EQ(Call("GET", "/api/v1/capabilities", "").status, 401);
}

TEST_F(CapabilitiesApiTest, RefusesATaskWhoseLabelNoServiceRecognises) {
  Json t = ValidTaskJson();
  t["targets"] = {{{"label", "person"}, {"min_confidence", 0.5}},
                  {{"label", "container"}, {"min_confidence", 0.5}}};
  Reply r = Call("POST", "/api/v1/tasks", inspector_, t);
  EXPECT_EQ(r.status, 400) << r.raw.body;
  EXPECT_EQ(r.ErrorField(), "targets[1].label");
  EXPECT_NE(r.json["error"]["message"].get<std::string>().find("'container'"), std::string::npos);
  // Nothing was written.
  EXPECT_EQ(Call("GET", "/api/v1/tasks", inspector_).json["tasks"].size(), 0u);
}

TEST_F(CapabilitiesApiTest, ALabelServedOnlyExternallyIsRefusedForInternalData) {
  Json t = ValidTaskJson();
  t["targets"] = {{{"label", "vehicle"}, {"min_confidence", 0.5}}};
  Reply r = Call("POST", "/api/v1/tasks", inspector_, t);
  EXPECT_EQ(r.status, 400) << r.raw.body;
  EXPECT_EQ(r.ErrorField(), "targets[0].label");
  t["data_class"] = "external";
  EXPECT_EQ(Call("POST", "/api/v1/tasks", inspector_, t).status, 201);
}

TEST_F(CapabilitiesApiTest, AnEditCannotIntroduceAnUnservedLabel) {
  const std::string id = CreateTask(ValidTaskJson());
  Json t = ValidTaskJson();
  t["targets"] = {{{"label", "dog"}, {"min_confidence", 0.5}}};
  Reply r = Call("PUT", "/api/v1/tasks/" + id, inspector_, t);
  EXPECT_EQ(r.status, 400) << r.raw.body;
  EXPECT_EQ(r.ErrorField(), "targets[0].label");
  EXPECT_EQ(Call("GET", "/api/v1/tasks/" + id, inspector_).json["targets"][0]["label"], "person");
}

}  // namespace
}  // namespace tilsyn::server::testing
