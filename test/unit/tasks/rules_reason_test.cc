// Every rule's reason carries a code and the parameters it was made of, so that a reader in
// another language gets the same sentence (the web UI has one per code).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tasks/rules.h"

namespace tilsyn::tasks {
namespace {

using Params = std::map<std::string, std::string>;

Detection Det(const std::string& label, double score, int x = 10, int w = 50) {
  Detection d;
  d.label = label;
  d.score = score;
  d.box = {x, 10, w, 60};
  return d;
}

Task Make(TaskKind kind, const std::string& label) {
  Task t;
  t.kind = kind;
  t.targets = {{label, 0.5}};
  return t;
}

TEST(RuleReasons, PresenceAbsenceAndInconclusiveSayWhatAndHowMany) {
  const Task presence = Make(TaskKind::kPresence, "person");
  AssessmentResult r = Assess(presence, {Det("person", 0.9), Det("person", 0.8)}, true);
  EXPECT_EQ(r.reason_code, "present_as_expected");
  EXPECT_EQ(r.reason_params, (Params{{"n", "2"}, {"label", "person"}}));
  r = Assess(presence, {}, true);
  EXPECT_EQ(r.reason_code, "missing");
  EXPECT_EQ(r.reason_params, (Params{{"label", "person"}}));

  const Task absence = Make(TaskKind::kAbsence, "person");
  EXPECT_EQ(Assess(absence, {Det("person", 0.9)}, true).reason_code, "present_unexpected");
  EXPECT_EQ(Assess(absence, {}, true).reason_code, "absent_as_expected");

  r = Assess(absence, {}, false);
  EXPECT_EQ(r.reason_code, "not_good_enough");
  EXPECT_EQ(r.reason_params, (Params{{"label", "person"}}));
}

TEST(RuleReasons, CountSaysTheRangeAndTheSidesWhenTheWidthIsKnown) {
  Task count = Make(TaskKind::kCount, "vehicle");
  count.rule.min_count = 1;
  count.rule.max_count = 3;
  AssessmentResult r = Assess(count, {Det("vehicle", 0.9, 10), Det("vehicle", 0.9, 900)}, true);
  EXPECT_EQ(r.reason_code, "counted");
  EXPECT_EQ(r.reason_params,
            (Params{{"n", "2"}, {"label", "vehicle"}, {"min", "1"}, {"max", "3"}}));
  AssessContext wide;
  wide.image_width = 1000;
  r = Assess(count, {Det("vehicle", 0.9, 10), Det("vehicle", 0.9, 900)}, true, wide);
  EXPECT_EQ(r.reason_code, "counted_sides");
  EXPECT_EQ(r.reason_params.at("left"), "1");
  EXPECT_EQ(r.reason_params.at("right"), "1");
  count.rule.max_count.reset();
  EXPECT_EQ(Assess(count, {}, true).reason_params.at("max"), "");
}

TEST(RuleReasons, ConditionChangeAndTextCarryTheirFigures) {
  Task condition = Make(TaskKind::kCondition, "pothole");
  AssessmentResult r = Assess(condition, {Det("pothole", 0.9)}, true);
  EXPECT_EQ(r.reason_code, "damage_found");
  EXPECT_EQ(r.reason_params.at("found"), "1 pothole");
  EXPECT_EQ(Assess(condition, {}, true).reason_code, "no_damage");

  Task change = Make(TaskKind::kBeforeAfter, "change");
  change.rule.change_threshold = 0.1;
  Detection d = Det("change", 0.9);
  d.area_fraction = 0.25;
  r = Assess(change, {d}, true);
  EXPECT_EQ(r.reason_code, "changed_above");
  EXPECT_EQ(r.reason_params, (Params{{"pct", "25.0"}, {"area", "view"}, {"threshold", "10.0"}}));
  d.area_fraction = 0.05;
  EXPECT_EQ(Assess(change, {d}, true).reason_code, "changed_within");

  Task text = Make(TaskKind::kText, "text");
  text.rule.expected_text = "Parkering forbudt";
  text.rule.min_similarity = 0.8;
  EXPECT_EQ(Assess(text, {}, true).reason_code, "no_text");
  Detection line = Det("text", 0.9);
  line.text = "PARKERING FORBUDT";
  r = Assess(text, {line}, true);
  EXPECT_EQ(r.reason_code, "text_matches");
  EXPECT_EQ(r.reason_params.at("read"), "PARKERING FORBUDT");
  EXPECT_EQ(r.reason_params.at("similarity"), "1.00");
  EXPECT_EQ(r.reason_params.at("needed"), "0.80");
  line.text = "BUS";
  EXPECT_EQ(Assess(text, {line}, true).reason_code, "text_differs");
}

TEST(RuleReasons, PermitChecksNameWhatWasSeenAndThePermit) {
  Task permit = Make(TaskKind::kPermitCheck, "container");
  permit.rule.permit_distance_m = 40;
  AssessmentResult r = Assess(permit, {}, true);
  EXPECT_EQ(r.reason_code, "permit_no_object");
  EXPECT_EQ(r.reason_params, (Params{{"n", "0"}, {"label", "container"}}));
  r = Assess(permit, {Det("container", 0.9)}, true);
  EXPECT_EQ(r.reason_code, "permit_none");
  EXPECT_EQ(r.reason_params.at("within"), "40");

  AssessContext ctx;
  PermitMatch m;
  m.permit.id = "P-7";
  m.permit.holder = "Container Service ApS";
  m.permit.valid_from = 0;
  m.permit.valid_to = 86'400'000;
  m.distance_m = 12.4;
  m.valid = true;
  ctx.permits = {m};
  r = Assess(permit, {Det("container", 0.9)}, true, ctx);
  EXPECT_EQ(r.reason_code, "permit_covered");
  EXPECT_EQ(r.reason_params.at("permit"), "P-7");
  EXPECT_EQ(r.reason_params.at("holder"), "Container Service ApS");
  EXPECT_EQ(r.reason_params.at("distance"), "12");
  EXPECT_EQ(r.reason_params.at("valid_to"), "1970-01-02");
  ctx.permits[0].valid = false;
  EXPECT_EQ(Assess(permit, {Det("container", 0.9)}, true, ctx).reason_code, "permit_not_valid");

  // By change against the empty site: the share changed and the largest region.
  permit.targets = {{"change", 0.5}};
  permit.rule.change_threshold = 0.05;
  Detection d = Det("change", 0.9);
  d.area_fraction = 0.3;
  r = Assess(permit, {d}, true);
  EXPECT_EQ(r.reason_code, "permit_none");
  EXPECT_EQ(r.reason_params.at("pct"), "30.0");
  EXPECT_EQ(r.reason_params.at("area"), "view");
  EXPECT_EQ(r.reason_params.at("region"), "50x60 px at 10,10");
}

}  // namespace
}  // namespace tilsyn::tasks
