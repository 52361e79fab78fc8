// permit_check: an object against the empty site, compared with the permits near the capture.
#include <gtest/gtest.h>

#include "core/time_format.h"
#include "tasks/rules.h"
#include "tasks/task_json.h"

namespace tilsyn::tasks {
namespace {

constexpr TimeMs kDay = 86'400'000;
const TimeMs kCapture = 1'796'000'000'000;  // 2026-11-30

Detection Change(double fraction) {
  Detection d;
  d.label = "change";
  d.score = 0.9;
  d.box = {100, 200, 180, 120};
  d.area_fraction = fraction;
  return d;
}

Task PermitTask() {
  Task t;
  t.kind = TaskKind::kPermitCheck;
  t.targets = {{"change", 0.5}};
  t.rule.change_threshold = 0.05;
  t.rule.permit_distance_m = 40;
  return t;
}

PermitMatch Match(const std::string& id, double distance_m, TimeMs from, TimeMs to,
                  const std::string& kind = "container") {
  PermitMatch m;
  m.permit.id = id;
  m.permit.holder = "Container Service ApS";
  m.permit.kind = kind;
  m.permit.valid_from = from;
  m.permit.valid_to = to;
  m.distance_m = distance_m;
  m.valid = m.permit.ValidAt(kCapture);
  return m;
}

TEST(Rules, PermitCheckIsOkWithoutAnObject) {
  AssessContext ctx;
  auto r = Assess(PermitTask(), {Change(0.01)}, true, ctx);
  EXPECT_EQ(r.outcome, Outcome::kOk);
  EXPECT_NE(r.reason.find("no object"), std::string::npos) << r.reason;
}

TEST(Rules, PermitCheckNamesTheValidPermitThatCoversTheObject) {
  AssessContext ctx;
  ctx.permits = {Match("TMF-9", 12, kCapture - 30 * kDay, kCapture - kDay),   // expired
                 Match("TMF-1", 18, kCapture - kDay, kCapture + 10 * kDay)};  // valid
  auto r = Assess(PermitTask(), {Change(0.2)}, true, ctx);
  EXPECT_EQ(r.outcome, Outcome::kOk) << r.reason;
  EXPECT_EQ(r.permit_id, "TMF-1");
  EXPECT_NE(r.reason.find("permit TMF-1 (Container Service ApS), 18 m away"), std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("20.0% of the view changed"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("180x120 px at 100,200"), std::string::npos) << r.reason;
}

TEST(Rules, PermitCheckFindingNamesTheExpiredPermitOrSaysNoneIsNear) {
  AssessContext ctx;
  ctx.permits = {Match("TMF-9", 12, kCapture - 30 * kDay, kCapture - kDay)};
  auto r = Assess(PermitTask(), {Change(0.2)}, true, ctx);
  EXPECT_EQ(r.outcome, Outcome::kFinding);
  EXPECT_EQ(r.permit_id, "TMF-9");
  EXPECT_NE(r.reason.find("without a valid permit within 40 m: permit TMF-9"), std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("not at the capture time"), std::string::npos);

  // Too far away, or of another kind: as if there were none.
  ctx.permits = {Match("TMF-1", 60, kCapture - kDay, kCapture + kDay),
                 Match("SC-1", 5, kCapture - kDay, kCapture + kDay, "scaffold")};
  Task t = PermitTask();
  t.rule.permit_kind = "container";
  r = Assess(t, {Change(0.2)}, true, ctx);
  EXPECT_EQ(r.outcome, Outcome::kFinding);
  EXPECT_EQ(r.permit_id, "");
  EXPECT_NE(r.reason.find("no permit within 40 m"), std::string::npos) << r.reason;
}

TEST(Rules, PermitCheckWithADetectorLabelCountsConfidentDetections) {
  Task t = PermitTask();
  t.targets = {{"container", 0.5}};
  Detection d;
  d.label = "container";
  d.score = 0.8;
  d.box = {0, 0, 10, 10};
  auto r = Assess(t, {d}, true, {});
  EXPECT_EQ(r.outcome, Outcome::kFinding);
  d.score = 0.3;
  EXPECT_EQ(Assess(t, {d}, true, {}).outcome, Outcome::kOk);
  EXPECT_EQ(Assess(t, {d}, false, {}).outcome, Outcome::kInconclusive);
}

TEST(TaskJsonKinds, PermitCheckDefaultsToChangeAndValidatesItsRule) {
  Json j = Json::parse(R"({"title": "Container at Nørrebrogade 12", "kind": "permit_check",
    "area": {"type": "Point", "coordinates": [12.5683, 55.6761], "radius_m": 30},
    "schedule": {"valid_from": "2026-01-01T00:00:00Z", "valid_to": "2027-01-01T00:00:00Z"},
    "rule": {"permit_distance_m": 25, "permit_kind": "container", "change_threshold": 0.08}})");
  auto t = TaskFromJson(j);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->kind, TaskKind::kPermitCheck);
  ASSERT_EQ(t->targets.size(), 1u);
  EXPECT_EQ(t->targets[0].label, "change");
  EXPECT_DOUBLE_EQ(t->rule.permit_distance_m, 25);
  EXPECT_TRUE(ComparesWithReference(*t));
  const Json back = TaskToJson(*t);
  EXPECT_EQ(back["kind"], "permit_check");
  EXPECT_EQ(back["rule"]["permit_kind"], "container");
  EXPECT_EQ(back["rule"]["permit_distance_m"], 25.0);
  j["rule"]["permit_distance_m"] = -1;
  EXPECT_EQ(TaskFromJson(j).status().field(), "rule.permit_distance_m");
}

}  // namespace
}  // namespace tilsyn::tasks
