// `tilsyn demo` — the main job — run as a user would (relative data folder, from another working
// directory): every step of the chain has a non-zero count and nothing is captured outside a fence.
#include <gtest/gtest.h>

#include "core/file_util.h"
#include "core/json_util.h"
#include "demo/process.h"
#include "fakes/test_paths.h"
#include "store/store.h"

namespace tilsyn::testing {
namespace {

TEST(Demo, JsonSummaryHasEveryStepAndNoCaptureOutsideAFence) {
  TempDir dir;
  auto child = demo::ChildProcess::Spawn(
      {"/bin/sh", "-c", "cd '" + dir.path() + "' && '" + BinDir() +
                            "/tilsyn' demo --json --data-dir demo-data"},
      {}, dir.Sub("out.json"), dir.Sub("err.txt"));
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  ASSERT_EQ(child->Wait(), 0) << ReadFile(dir.Sub("err.txt")).value_or("");
  auto s = ParseJson(ReadFile(dir.Sub("out.json")).value_or(""));
  ASSERT_TRUE(s.ok()) << "stdout is one JSON object";
  const Json& j = *s;
  for (const char* key : {"tasks", "jobs", "captures", "fallbacks", "images_deleted", "images_kept"}) {
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
  auto db = store::OpenSqliteStore(dir.Sub("demo-data/server/tilsyn.db"));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto done = (*db)->ObservationsInState(store::ObservationState::kDone, 100);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_EQ(static_cast<int64_t>(done->size()), j["captures"].get<int64_t>());
  for (const store::Observation& o : *done) {
    for (const char* side : {"vehicle", "server"}) {
      const std::string detectors =
          o.anonymization.value(side, Json::object()).value("detectors", Json::array()).dump();
      EXPECT_NE(detectors.find("privacy@"), std::string::npos) << side << ": " << detectors;
    }
  }
}

}  // namespace
}  // namespace tilsyn::testing
