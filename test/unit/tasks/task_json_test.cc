#include "tasks/task_json.h"

#include <gtest/gtest.h>

namespace tilsyn::tasks {
namespace {

Json ValidTask() {
  return Json::parse(R"({
    "title": "Skip at Nørrebrogade", "unit": "TMF", "kind": "count",
    "targets": [{"label": "person", "min_confidence": 0.6}],
    "area": {"type": "Point", "coordinates": [12.5683, 55.6761], "radius_m": 30},
    "schedule": {"valid_from": "2026-01-01T00:00:00Z", "valid_to": "2027-01-01T00:00:00Z",
                 "windows": [{"weekday": 0, "start": "07:00", "end": "18:00"}], "min_interval_s": 60},
    "rule": {"min_count": 0, "max_count": 3},
    "actions": [{"type": "webhook", "on": ["finding"], "url": "http://127.0.0.1:9/h", "secret": "s3"}],
    "retention": {"evidence_days": 10, "keep_non_findings": true}
  })");
}

std::string FieldOfError(Json j) {
  auto t = TaskFromJson(j);
  EXPECT_FALSE(t.ok());
  return t.ok() ? "" : t.status().field();
}

TEST(TaskJson, ParsesAValidTask) {
  auto t = TaskFromJson(ValidTask());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->kind, TaskKind::kCount);
  EXPECT_EQ(t->targets[0].min_confidence, 0.6);
  EXPECT_EQ(t->schedule.windows[0].start_minute, 420);
  EXPECT_EQ(t->schedule.time_zone, "Europe/Copenhagen");
  EXPECT_EQ(*t->rule.max_count, 3);
  EXPECT_EQ(t->actions[0].secret, "s3");
  EXPECT_TRUE(t->retention.keep_non_findings);
}

TEST(TaskJson, RoundTripKeepsEverythingButHidesSecrets) {
  Task t = *TaskFromJson(ValidTask());
  Json pub = TaskToJson(t);
  EXPECT_FALSE(pub["actions"][0].contains("secret"));
  Task back = *TaskFromJson(TaskToJson(t, /*include_secrets=*/true));
  EXPECT_EQ(TaskToJson(back, true), TaskToJson(t, true));
}

TEST(TaskJson, NamesTheFieldOfEachMistake) {
  Json j = ValidTask();
  j["targets"] = Json::array();
  EXPECT_EQ(FieldOfError(j), "targets");
  j = ValidTask();
  j["schedule"]["valid_to"] = "2025-01-01T00:00:00Z";
  EXPECT_EQ(FieldOfError(j), "schedule.valid_to");
  j = ValidTask();
  j["kind"] = "sometimes";
  EXPECT_EQ(FieldOfError(j), "kind");
  j = ValidTask();
  j["area"]["coordinates"] = {12.5, 95};
  EXPECT_EQ(FieldOfError(j), "area.coordinates");
  j = ValidTask();
  j["targets"][0]["min_confidence"] = 2;
  EXPECT_EQ(FieldOfError(j), "targets[0].min_confidence");
  j = ValidTask();
  j["actions"][0]["url"] = "ftp://x";
  EXPECT_EQ(FieldOfError(j), "actions[0].url");
  j = ValidTask();
  j["schedule"]["time_zone"] = "Europe/Atlantis";
  EXPECT_EQ(FieldOfError(j), "schedule.time_zone");
  j = ValidTask();
  j["schedule"]["windows"][0]["end"] = "06:00";
  EXPECT_EQ(FieldOfError(j), "schedule.windows[0].end");
  j = ValidTask();
  j["rule"]["max_count"] = -1;
  EXPECT_EQ(FieldOfError(j), "rule.max_count");
  j = ValidTask();
  j["retention"]["inconclusive_days"] = 91;
  EXPECT_EQ(FieldOfError(j), "retention.inconclusive_days");
  EXPECT_EQ(FieldOfError(Json::array()), "body");
}

TEST(TaskJson, InconclusiveReviewDaysDefaultToSevenAndRoundTrip) {
  Json j = ValidTask();
  auto t = TaskFromJson(j);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->retention.inconclusive_days, 7);
  j["retention"]["inconclusive_days"] = 0;
  t = TaskFromJson(j);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->retention.inconclusive_days, 0);
  EXPECT_EQ(TaskToJson(*t)["retention"]["inconclusive_days"], 0);
}

}  // namespace
}  // namespace tilsyn::tasks

namespace tilsyn::tasks {
namespace {

TEST(TaskJsonEmail, AnEmailActionNamesItsRecipientsAndLanguage) {
  Json j = ValidTask();
  j["actions"] = Json::array({{{"type", "email"},
                               {"on", {"finding"}},
                               {"to", {"inspektor@kk.dk", "entreprenor@example.dk"}},
                               {"language", "en"}}});
  auto t = TaskFromJson(j);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->actions.size(), 1u);
  EXPECT_EQ(t->actions[0].to.size(), 2u);
  EXPECT_EQ(t->actions[0].language, "en");
  const Json back = TaskToJson(*t, false);
  EXPECT_EQ(back["actions"][0]["to"][1], "entreprenor@example.dk");
  EXPECT_EQ(back["actions"][0]["language"], "en");
  auto field = [&](Json action) {
    Json bad = ValidTask();
    bad["actions"] = Json::array({action});
    return TaskFromJson(bad).status().field();
  };
  EXPECT_EQ(field({{"type", "email"}, {"on", {"finding"}}}), "actions[0].to");
  EXPECT_EQ(field({{"type", "email"}, {"on", {"finding"}}, {"to", Json::array()}}),
            "actions[0].to");
  EXPECT_EQ(field({{"type", "email"}, {"on", {"finding"}}, {"to", {"not an address"}}}),
            "actions[0].to[0]");
  EXPECT_EQ(field({{"type", "email"}, {"on", {"finding"}}, {"to", {"a@b.dk", "x@y,z"}}}),
            "actions[0].to[1]");
  EXPECT_EQ(field({{"type", "email"}, {"on", {"finding"}}, {"to", {"a@b.dk"}}, {"language", "sv"}}),
            "actions[0].language");
  EXPECT_EQ(field({{"type", "sms"}, {"on", {"finding"}}}), "actions[0].type");
}

}  // namespace
}  // namespace tilsyn::tasks

namespace tilsyn::tasks {
namespace {

TEST(TaskJsonOpen311, ACaseSystemActionKeepsItsKeySecret) {
  Json j = ValidTask();
  j["actions"] = Json::array({{{"type", "open311"},
                               {"on", {"finding"}},
                               {"url", "https://sager.kk.dk/open311/v2"},
                               {"service_code", "container"},
                               {"api_key", "k-1"},
                               {"jurisdiction_id", "kk.dk"}}});
  auto t = TaskFromJson(j);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->actions[0].service_code, "container");
  EXPECT_EQ(t->actions[0].secret, "k-1");
  const Json shown = TaskToJson(*t, false);
  EXPECT_FALSE(shown["actions"][0].contains("api_key"));
  EXPECT_EQ(shown["actions"][0]["has_api_key"], true);
  EXPECT_EQ(TaskFromJson(TaskToJson(*t, true))->actions[0].secret, "k-1") << "stored with it";
  auto field = [&](Json action) {
    Json bad = ValidTask();
    bad["actions"] = Json::array({action});
    return TaskFromJson(bad).status().field();
  };
  EXPECT_EQ(field({{"type", "open311"}, {"on", {"finding"}}, {"service_code", "x"}}),
            "actions[0].url");
  EXPECT_EQ(
      field({{"type", "open311"}, {"on", {"finding"}}, {"url", "ftp://x"}, {"service_code", "x"}}),
      "actions[0].url");
  EXPECT_EQ(field({{"type", "open311"}, {"on", {"finding"}}, {"url", "https://x"}}),
            "actions[0].service_code");
}

}  // namespace
}  // namespace tilsyn::tasks

namespace tilsyn::tasks {
namespace {

TEST(TaskJsonContractor, ATaskNamesItsContractorAndTheContractorActionNeedsOne) {
  Json j = ValidTask();
  j["contractor"] = {
      {"name", "Vejfirmaet A/S"}, {"email", "drift@vejfirmaet.dk"}, {"deadline_days", 7}};
  j["actions"] = Json::array({{{"type", "contractor"}, {"on", {"finding"}}}});
  auto t = TaskFromJson(j);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE(t->contractor.has_value());
  EXPECT_EQ(t->contractor->deadline_days, 7);
  EXPECT_EQ(t->contractor->language, "da");
  EXPECT_EQ(TaskToJson(*t, false)["contractor"]["email"], "drift@vejfirmaet.dk");
  Json none = j;
  none.erase("contractor");
  EXPECT_EQ(TaskFromJson(none).status().field(), "actions[0].type");
  Json bad = j;
  bad["contractor"]["email"] = "drift";
  EXPECT_EQ(TaskFromJson(bad).status().field(), "contractor.email");
  bad = j;
  bad["contractor"]["deadline_days"] = 0;
  EXPECT_EQ(TaskFromJson(bad).status().field(), "contractor.deadline_days");
}

}  // namespace
}  // namespace tilsyn::tasks

namespace tilsyn::tasks {
namespace {

// A site nobody visits can trigger an action: "unvisited" in `on`, with revisit_days.
TEST(TaskJsonUnvisited, UnvisitedTriggersAnActionOfATaskWithRevisitDays) {
  Json j = ValidTask();
  j["revisit_days"] = 7;
  j["actions"] = Json::array(
      {{{"type", "log"}, {"on", {"unvisited"}}},
       {{"type", "webhook"}, {"on", {"finding", "unvisited"}}, {"url", "http://127.0.0.1:9/h"}}});
  auto t = TaskFromJson(j);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->actions[0].on_unvisited);
  EXPECT_TRUE(t->actions[0].on.empty());
  EXPECT_TRUE(t->actions[1].on_unvisited);
  ASSERT_EQ(t->actions[1].on.size(), 1u);
  const Json back = TaskToJson(*t, false);
  EXPECT_EQ(back["actions"][0]["on"], Json::array({"unvisited"}));
  EXPECT_EQ(back["actions"][1]["on"], Json::array({"finding", "unvisited"}));
  EXPECT_TRUE(TaskFromJson(back)->actions[1].on_unvisited) << "round trip";
  // Without revisit_days it could never fire: refused, naming the action's `on`.
  Json never = j;
  never.erase("revisit_days");
  EXPECT_EQ(FieldOfError(never), "actions[0].on");
  // A contractor is told of findings, not of the city's own unvisited sites.
  Json contractor = j;
  contractor["contractor"] = {{"name", "Vejfirmaet A/S"}, {"email", "drift@vejfirmaet.dk"}};
  contractor["actions"] = Json::array({{{"type", "contractor"}, {"on", {"finding", "unvisited"}}}});
  EXPECT_EQ(FieldOfError(contractor), "actions[0].on[1]");
  Json typo = j;
  typo["actions"][0]["on"] = Json::array({"unvisted"});
  EXPECT_EQ(FieldOfError(typo), "actions[0].on[0]");
}

}  // namespace
}  // namespace tilsyn::tasks
