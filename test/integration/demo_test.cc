// `tilsyn demo` — the main job — run as a user would (relative data folder, from another working
// directory): every step of the chain has a non-zero count and nothing is captured outside a fence.
#include <gtest/gtest.h>

#include "core/file_util.h"
#include "core/json_util.h"
#include "demo/process.h"
#include "fakes/test_paths.h"
#include "fakes/test_store.h"
#include "store/store.h"
#include "tasks/task.h"

namespace tilsyn::testing {
namespace {

// Runs the demo in `dir` with `args` and checks its summary and stored observations; `store` is
// where the demo's server kept them.
void RunAndCheckDemo(const TempDir& dir, const std::string& args, const std::string& store) {
  auto child = demo::ChildProcess::Spawn({"/bin/sh", "-c",
                                          "cd '" + dir.path() + "' && '" + BinDir() +
                                              "/tilsyn' demo --json --data-dir demo-data " + args},
                                         {}, dir.Sub("out.json"), dir.Sub("err.txt"));
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  ASSERT_EQ(child->Wait(), 0) << ReadFile(dir.Sub("err.txt")).value_or("");
  auto s = ParseJson(ReadFile(dir.Sub("out.json")).value_or(""));
  ASSERT_TRUE(s.ok()) << "stdout is one JSON object";
  const Json& j = *s;
  for (const char* key :
       {"tasks", "jobs", "captures", "fallbacks", "images_deleted", "images_kept"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_GT(j[key].get<int64_t>(), 0) << key;
  }
  EXPECT_EQ(j["captures_outside_geofence"], 0);
  EXPECT_EQ(j["observations"]["done"], j["captures"]);
  EXPECT_GT(j["assessments"]["ok"].get<int64_t>() + j["assessments"]["finding"].get<int64_t>(), 0);
  EXPECT_GT(j["recognition_runs"].size(), 1u);
  EXPECT_GT(j["recognition_runs"].value("ocr", 0), 0) << "the sign task was captured and read";
  EXPECT_GT(j["actions"]["webhook"].value("succeeded", 0), 0);
  EXPECT_GT(j["actions"]["log"].value("succeeded", 0), 0);
  EXPECT_GT(j["recognition_runs"].value("street", 0), 0) << "our street model on the car photo";

  // Our own privacy model anonymized every image, on the vehicle and again on the server.
  auto db = store::OpenStore(store);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto done = (*db)->ObservationsInState(store::ObservationState::kDone, 100);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_EQ(static_cast<int64_t>(done->size()), j["captures"].get<int64_t>());
  int signs = 0, cars = 0;
  for (const store::Observation& o : *done) {
    auto task = (*db)->GetTask(o.task_id);
    ASSERT_TRUE(task.ok());
    for (const char* side : {"vehicle", "server"}) {
      const Json report = o.anonymization.value(side, Json::object());
      const std::string detectors = report.value("detectors", Json::array()).dump();
      EXPECT_NE(detectors.find("privacy@"), std::string::npos) << side << ": " << detectors;
      if (task->kind == tasks::TaskKind::kText) {
        // The sign text was protected evidence, kept on both sides.
        ASSERT_TRUE(report.contains("protected")) << side << ": " << report.dump();
        EXPECT_TRUE(report["protected"][0]["kept"].get<bool>()) << side << ": " << report.dump();
        signs += side[0] == 's';
      }
      if (task->title.find("Fire lane") != std::string::npos && side[0] == 'v') {
        // The car's plate was blurred on the vehicle (the model may call the motion-blurred plate
        // a face; the labelled-box oracle for this photograph is AnonymizerFactory's
        // DefaultAnonymizerBlursTheRealCarsPlate and ProtectedTextOnRealAnonymizer's tests).
        EXPECT_FALSE(report["counts"].empty()) << side << ": " << report.dump();
        ++cars;
      }
    }
  }
  EXPECT_GT(signs, 0);
  EXPECT_GT(cars, 0);

  // An operator's scrape of /metrics during the demo: every family has something to count.
  ASSERT_TRUE(j.contains("metrics")) << "GET /metrics answered";
  for (const char* family :
       {"tilsyn_http_requests_total", "tilsyn_http_request_duration_seconds", "tilsyn_observations",
        "tilsyn_action_runs", "tilsyn_recognizer_calls_total",
        "tilsyn_recognizer_good_enough_total", "tilsyn_recognizer_fallbacks_total",
        "tilsyn_recognizer_breaker_state", "tilsyn_images"}) {
    EXPECT_GT(j["metrics"].value(family, 0.0), 0) << family;
  }

  // Every task ends as the scenario's ground truth says (the sign is read: protected evidence),
  // except the misses the scenario names.
  ASSERT_TRUE(j.contains("task_outcomes"));
  ASSERT_EQ(j["task_outcomes"].size(), j["tasks"].get<size_t>());
  for (const Json& t : j["task_outcomes"]) {
    EXPECT_GT(t["assessments"].get<int>(), 0) << t.dump();
    if (t["known_miss"].get<std::string>().empty()) {
      EXPECT_EQ(t["got"], t["expected"]) << t.dump();
    } else {
      // A known miss that the chain now gets right: drop the note in demo/scenario.cc.
      EXPECT_NE(t["got"], t["expected"]) << t.dump();
    }
  }
}

TEST(Demo, JsonSummaryHasEveryStepAndNoCaptureOutsideAFence) {
  TempDir dir;
  RunAndCheckDemo(dir, "", dir.Sub("demo-data/server/tilsyn.db"));
}

// `tilsyn demo --database postgresql://…`: the whole chain on PostgreSQL, in a fresh database.
TEST(Demo, RunsWholeOnPostgresql) {
  auto base = TestDatabaseUrl();
  if (!base) GTEST_SKIP() << "no TILSYN_TEST_DATABASE_URL (scripts/test.sh sets one)";
  TempDir dir;
  const std::string name =
      "demo_" + std::to_string(std::hash<std::string>()(dir.path()) % 1000000007);
  auto admin = store::sql::PgDb::Connect(*base);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  ASSERT_TRUE((*admin)->Exec("CREATE DATABASE " + name).ok());
  const std::string url = base->substr(0, base->rfind('/') + 1) + name;
  RunAndCheckDemo(dir, "--database '" + url + "'", url);
  // A second demo on the same (now used) database refuses rather than mix with its tasks.
  auto again = demo::ChildProcess::Spawn(
      {"/bin/sh", "-c",
       "cd '" + dir.path() + "' && '" + BinDir() +
           "/tilsyn' demo --json --data-dir demo-again --database '" + url + "'"},
      {}, dir.Sub("again.json"), dir.Sub("again.txt"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->Wait(), 1);
  EXPECT_NE(ReadFile(dir.Sub("again.txt")).value_or("").find("needs an empty database"),
            std::string::npos);
  EXPECT_TRUE((*admin)->Exec("DROP DATABASE " + name + " WITH (FORCE)").ok());
}

}  // namespace
}  // namespace tilsyn::testing
