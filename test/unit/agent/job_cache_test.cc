#include "agent/job_cache.h"

#include <gtest/gtest.h>

#include "agent_test_util.h"
#include "core/file_util.h"
#include "fakes/test_paths.h"

namespace tilsyn::agent {
namespace {

Json JobJson(const std::string& id, bool active, int64_t version) {
  auto job = testutil::CircleJob(id, testutil::kCenter, 25);
  job.active = active;
  job.version = version;
  return tasks::JobToJson(job);
}

TEST(JobCache, AppliesDeltasAndDropsInactiveJobs) {
  testing::TempDir dir;
  auto cache = JobCache::Load(dir.path());
  ASSERT_TRUE(cache.ok());
  EXPECT_EQ(cache->version(), 0);
  ASSERT_TRUE(
      cache->ApplyDelta({{"version", 2}, {"jobs", {JobJson("a", true, 1), JobJson("b", true, 2)}}})
          .ok());
  EXPECT_EQ(cache->jobs().size(), 2u);
  EXPECT_EQ(cache->version(), 2);
  ASSERT_TRUE(cache->ApplyDelta({{"version", 3}, {"jobs", {JobJson("a", false, 3)}}}).ok());
  EXPECT_EQ(cache->Find("a"), nullptr);
  ASSERT_NE(cache->Find("b"), nullptr);
  EXPECT_EQ(cache->version(), 3);
}

TEST(JobCache, PersistsSoARestartedAgentSyncsFromTheLastVersion) {
  testing::TempDir dir;
  {
    auto cache = JobCache::Load(dir.path());
    ASSERT_TRUE(cache.ok());
    ASSERT_TRUE(cache->ApplyDelta({{"version", 7}, {"jobs", {JobJson("a", true, 7)}}}).ok());
  }
  auto again = JobCache::Load(dir.path());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version(), 7);
  ASSERT_NE(again->Find("a"), nullptr);
  EXPECT_TRUE(again->Find("a")->area.Contains(testutil::kCenter));
}

TEST(JobCache, MalformedDeltaLeavesTheCacheUnchanged) {
  testing::TempDir dir;
  auto cache = JobCache::Load(dir.path());
  ASSERT_TRUE(cache->ApplyDelta({{"version", 1}, {"jobs", {JobJson("a", true, 1)}}}).ok());
  Status st = cache->ApplyDelta({{"version", "x"}, {"jobs", Json::array()}});
  EXPECT_EQ(st.field(), "version");
  st = cache->ApplyDelta({{"version", 5}});
  EXPECT_EQ(st.field(), "jobs");
  EXPECT_EQ(cache->version(), 1);
  EXPECT_NE(cache->Find("a"), nullptr);
}

TEST(JobCache, UnreadableJobIsDroppedNotKept) {
  testing::TempDir dir;
  auto cache = JobCache::Load(dir.path());
  ASSERT_TRUE(cache->ApplyDelta({{"version", 1}, {"jobs", {JobJson("a", true, 1)}}}).ok());
  Json broken = JobJson("a", true, 2);
  broken["area"] = {{"type", "Point"}, {"coordinates", {12.5, 55.6}}, {"radius_m", -1}};
  ASSERT_TRUE(cache->ApplyDelta({{"version", 2}, {"jobs", {broken}}}).ok());
  EXPECT_EQ(cache->Find("a"), nullptr);
  EXPECT_EQ(cache->bad_jobs(), 1);
  EXPECT_EQ(cache->version(), 2);
}

TEST(JobCache, CorruptFileStartsFromVersionZero) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("jobs.json"), "{not json").ok());
  auto cache = JobCache::Load(dir.path());
  ASSERT_TRUE(cache.ok());
  EXPECT_EQ(cache->version(), 0);
  EXPECT_TRUE(cache->jobs().empty());
}

}  // namespace
}  // namespace tilsyn::agent
