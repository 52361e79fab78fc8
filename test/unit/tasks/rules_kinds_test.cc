// Rules for the condition, text and before_after kinds, and their task JSON.
#include <gtest/gtest.h>

#include "tasks/rules.h"
#include "tasks/task_json.h"
#include "tasks/text_match.h"

namespace tilsyn::tasks {
namespace {

Detection Text(const std::string& s, double score, int x, int y) {
  Detection d;
  d.label = "text";
  d.score = score;
  d.box = {x, y, 200, 30};
  d.text = s;
  return d;
}

Detection Change(double fraction, double score) {
  Detection d;
  d.label = "change";
  d.score = score;
  d.box = {10, 10, 50, 50};
  d.area_fraction = fraction;
  return d;
}

Task Make(TaskKind kind, const std::string& label) {
  Task t;
  t.kind = kind;
  t.targets = {{label, 0.5}};
  return t;
}

TEST(TextMatch, FoldsCaseDanishLettersAndPunctuation) {
  EXPECT_EQ(NormalizeText("  PARKERING,  forbudt! "), U"parkering forbudt");
  EXPECT_DOUBLE_EQ(TextSimilarity("ÆRØ Å", "ærø å"), 1.0);
  EXPECT_DOUBLE_EQ(TextSimilarity("abc", "xyz"), 0.0);
  EXPECT_NEAR(TextSimilarity("forbudt", "forbud"), 6.0 / 7.0, 1e-9);
}

TEST(TextMatch, FindsTheExpectedWordsInsideALongerSign) {
  EXPECT_DOUBLE_EQ(BestTextMatch("Parkering forbudt", {"PARKERING FORBUDT 8-18"}), 1.0);
  EXPECT_DOUBLE_EQ(BestTextMatch("Parkering forbudt", {"PARKERING", "FORBUDT"}), 1.0);
  EXPECT_LT(BestTextMatch("Parkering forbudt", {"Cykelsti"}), 0.5);
  EXPECT_DOUBLE_EQ(BestTextMatch("x", {}), 0.0);
}

TEST(Rules, TextTaskIsOkWhenTheSignReadsAsExpectedDespiteOcrSlips) {
  Task t = Make(TaskKind::kText, "text");
  t.rule.expected_text = "Parkering forbudt";
  t.rule.min_similarity = 0.8;
  auto r = Assess(t, {Text("PARKER1NG FORBUDT", 0.9, 0, 0)}, true);
  EXPECT_EQ(r.outcome, Outcome::kOk) << r.reason;
  ASSERT_TRUE(r.similarity.has_value());
  EXPECT_GT(*r.similarity, 0.9);
  EXPECT_LT(*r.similarity, 1.0);
}

TEST(Rules, TextTaskIsAFindingForOtherTextOrNoText) {
  Task t = Make(TaskKind::kText, "text");
  t.rule.expected_text = "Parkering forbudt";
  auto wrong = Assess(t, {Text("Stoppested", 0.9, 0, 0)}, true);
  EXPECT_EQ(wrong.outcome, Outcome::kFinding);
  EXPECT_NE(wrong.reason.find("does not match"), std::string::npos) << wrong.reason;
  auto none = Assess(t, {}, true);
  EXPECT_EQ(none.outcome, Outcome::kFinding);
  // A low-confidence reading does not count as the sign.
  auto faint = Assess(t, {Text("Parkering forbudt", 0.3, 0, 0)}, true);
  EXPECT_EQ(faint.outcome, Outcome::kFinding);
  EXPECT_EQ(Assess(t, {Text("Parkering forbudt", 0.9, 0, 0)}, false).outcome,
            Outcome::kInconclusive);
}

TEST(Rules, TextLinesAreReadTopToBottom) {
  Task t = Make(TaskKind::kText, "text");
  t.rule.expected_text = "Parkering forbudt";
  t.rule.min_similarity = 0.95;
  // Given bottom line first: reading order must put PARKERING first for the joined match.
  auto r = Assess(t, {Text("forbudt", 0.9, 0, 100), Text("Parkering", 0.9, 0, 10)}, true);
  EXPECT_EQ(r.outcome, Outcome::kOk) << r.reason;
}

TEST(Rules, BeforeAfterIsAFindingAboveTheChangeThreshold) {
  Task t = Make(TaskKind::kBeforeAfter, "change");
  t.rule.change_threshold = 0.05;
  auto big = Assess(t, {Change(0.04, 0.9), Change(0.03, 0.8)}, true);
  EXPECT_EQ(big.outcome, Outcome::kFinding) << big.reason;
  EXPECT_NEAR(*big.changed_fraction, 0.07, 1e-9);
  auto small = Assess(t, {Change(0.04, 0.9), Change(0.03, 0.2)}, true);  // one is not confident
  EXPECT_EQ(small.outcome, Outcome::kOk) << small.reason;
  EXPECT_NEAR(*small.changed_fraction, 0.04, 1e-9);
  EXPECT_EQ(Assess(t, {}, true).outcome, Outcome::kOk);
}

TEST(Rules, ConditionIsAFindingWhenDamageIsPresent) {
  Task t = Make(TaskKind::kCondition, "pothole");
  t.targets.push_back({"crack", 0.6});
  Detection pothole{"pothole", 0.8, {0, 0, 40, 20}};
  Detection weak_crack{"crack", 0.55, {0, 0, 40, 20}};
  auto r = Assess(t, {pothole, weak_crack}, true);
  EXPECT_EQ(r.outcome, Outcome::kFinding);
  EXPECT_NE(r.reason.find("1 pothole"), std::string::npos) << r.reason;
  EXPECT_EQ(r.counts["crack"], 0);
  EXPECT_EQ(Assess(t, {weak_crack}, true).outcome, Outcome::kOk);
}

Json BaseTask(const std::string& kind) {
  return Json::parse(R"({
    "title": "t", "kind": ")" + kind + R"(",
    "area": {"type": "Point", "coordinates": [12.5683, 55.6761], "radius_m": 30},
    "schedule": {"valid_from": "2026-01-01T00:00:00Z", "valid_to": "2027-01-01T00:00:00Z"}
  })");
}

std::string FieldOf(const Json& j) {
  auto t = TaskFromJson(j);
  return t.ok() ? "(ok)" : t.status().field();
}

TEST(TaskJsonKinds, TextTasksNeedTheExpectedTextAndDefaultTheirTarget) {
  Json j = BaseTask("text");
  EXPECT_EQ(FieldOf(j), "rule.expected_text");
  j["rule"] = {{"expected_text", "  "}};
  EXPECT_EQ(FieldOf(j), "rule.expected_text");
  j["rule"] = {{"expected_text", "Parkering forbudt"}, {"min_similarity", 1.5}};
  EXPECT_EQ(FieldOf(j), "rule.min_similarity");
  j["rule"] = {{"expected_text", "Parkering forbudt"}, {"min_similarity", 0.7}};
  auto t = TaskFromJson(j);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->kind, TaskKind::kText);
  ASSERT_EQ(t->targets.size(), 1u);
  EXPECT_EQ(t->targets[0].label, "text");
  Task back = *TaskFromJson(TaskToJson(*t, true));
  EXPECT_EQ(back.rule.expected_text, "Parkering forbudt");
  EXPECT_DOUBLE_EQ(back.rule.min_similarity, 0.7);
  j["targets"] = Json::array({{{"label", "person"}}});
  EXPECT_EQ(FieldOf(j), "targets");
}

TEST(TaskJsonKinds, BeforeAfterValidatesTheThreshold) {
  Json j = BaseTask("before_after");
  j["rule"] = {{"change_threshold", 1.0}};
  EXPECT_EQ(FieldOf(j), "rule.change_threshold");
  j["rule"] = {{"change_threshold", "much"}};
  EXPECT_EQ(FieldOf(j), "rule.change_threshold");
  j["rule"] = {{"change_threshold", 0.1}};
  auto t = TaskFromJson(j);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->targets[0].label, "change");
  EXPECT_DOUBLE_EQ(TaskFromJson(TaskToJson(*t, true))->rule.change_threshold, 0.1);
}

TEST(TaskJsonKinds, ConditionNeedsItsDamageLabels) {
  Json j = BaseTask("condition");
  EXPECT_EQ(FieldOf(j), "targets");
  j["targets"] = Json::array({{{"label", "pothole"}}});
  auto t = TaskFromJson(j);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(ToString(t->kind), "condition");
}

TEST(TaskJsonActions, WebhookBodyIsCloudEventsByDefaultPlainOnRequest) {
  Json j = Json::parse(R"({"title": "t", "kind": "presence", "targets": [{"label": "person"}],
    "area": {"type": "Point", "coordinates": [12.5683, 55.6761], "radius_m": 30},
    "schedule": {"valid_from": "2026-01-01T00:00:00Z", "valid_to": "2027-01-01T00:00:00Z"},
    "actions": [{"type": "webhook", "on": ["finding"], "url": "http://127.0.0.1:9/a"},
                {"type": "webhook", "on": ["finding"], "url": "http://127.0.0.1:9/b", "format": "plain"}]})");
  auto t = TaskFromJson(j);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->actions[0].format, "cloudevents");
  EXPECT_EQ(t->actions[1].format, "plain");
  EXPECT_EQ(TaskToJson(*t)["actions"][1]["format"], "plain");
  j["actions"][0]["format"] = "xml";
  EXPECT_EQ(TaskFromJson(j).status().field(), "actions[0].format");
}

TEST(DetectionJson, CarriesTextAndAreaFractionOnlyWhenSet) {
  Json j = DetectionsToJson({Text("Æblevej", 0.9, 1, 2), Change(0.25, 0.7),
                             Detection{"person", 0.5, {1, 2, 3, 4}}});
  EXPECT_EQ(j[0]["text"], "Æblevej");
  EXPECT_FALSE(j[0].contains("area_fraction"));
  EXPECT_DOUBLE_EQ(j[1]["area_fraction"].get<double>(), 0.25);
  EXPECT_FALSE(j[2].contains("text"));
  auto back = DetectionsFromJson(j);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].text, "Æblevej");
  EXPECT_DOUBLE_EQ(back[1].area_fraction, 0.25);
}

}  // namespace
}  // namespace tilsyn::tasks
