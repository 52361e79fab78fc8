#include "agent/agent.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>

#include "agent/camera/frame_sync.h"
#include "agent/gps/replay_source.h"
#include "agent_fixture.h"
#include "agent_test_util.h"
#include "core/file_util.h"
#include "core/ids.h"
#include "fakes/test_paths.h"
#include "imaging/jpeg.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "net/multipart.h"

namespace tilsyn::agent {
namespace {
namespace fs = std::filesystem;
using testutil::CircleJob;
using testutil::FixAt;
using testutil::kCenter;
using testutil::T0;

using testutil::BlackoutAnonymizer;
using testutil::Build;
using testutil::Built;
using testutil::Config;
using testutil::Drive;
using testutil::FakeTilsyn;
using testutil::WhiteCamera;

TEST(Agent, CapturesOncePerPassAnonymizesAndUploads) {
  FakeTilsyn server({CircleJob("job-a", kCenter, 30)});
  testing::TempDir dir;
  FakeClock clock(T0());
  Built b = Build(Config(server.url(), dir.path()), &clock, Drive(T0()));
  auto summary = b.agent->Run();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  Json j = summary->ToJson();
  EXPECT_EQ(j["vehicle"], "sweeper-7");
  EXPECT_EQ(j["fixes"], 41);
  EXPECT_EQ(j["captures"], 1);
  EXPECT_EQ(j["captures_outside_geofence"], 0);
  EXPECT_EQ(j["uploaded"], 1);
  EXPECT_EQ(j["pending"], 0);
  EXPECT_EQ(j["rejected"], 0);
  EXPECT_EQ(j["bad_gps_records"], 2);
  EXPECT_EQ(j["passes"]["job-a"], 1);

  std::lock_guard<std::mutex> l(server.mu);
  ASSERT_EQ(server.metadata.size(), 1u);
  const Json& m = server.metadata[0];
  EXPECT_TRUE(IsUuid(m["id"].get<std::string>()));
  EXPECT_EQ(m["job_id"], "job-a");
  EXPECT_TRUE(geo::Geofence::Circle(kCenter, 30).Contains({m["lat"], m["lon"]}));
  EXPECT_TRUE(ParseIso8601(m["captured_at"].get<std::string>()).ok());
  EXPECT_EQ(m["anonymization"]["counts"]["face"], 1);
  EXPECT_DOUBLE_EQ(m["heading_deg"], 90);
  EXPECT_DOUBLE_EQ(m["speed_kmh"], 18);
  // What left the vehicle is the anonymized (black) frame, never the raw (white) one.
  ASSERT_EQ(server.images.size(), 1u);
  EXPECT_LT(cv::mean(server.images[0])[0], 5.0);
  // The job cache was persisted with the server's version.
  auto cache = ParseJson(ReadFile(dir.Sub("jobs.json")).value());
  ASSERT_TRUE(cache.ok());
  EXPECT_EQ((*cache)["version"], 5);
}

TEST(Agent, AnonymizerFailureStoresNothing) {
  FakeTilsyn server({CircleJob("job-a", kCenter, 30)});
  testing::TempDir dir;
  FakeClock clock(T0());
  Built b = Build(Config(server.url(), dir.path()), &clock, Drive(T0()), /*fails=*/true);
  auto summary = b.agent->Run();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->captures, 0);
  EXPECT_GT(summary->capture_errors, 0);
  EXPECT_GT(b.camera->captures, 0);
  EXPECT_EQ(summary->pending, 0);
  EXPECT_TRUE(fs::is_empty(dir.Sub("outbox")));
  std::lock_guard<std::mutex> l(server.mu);
  EXPECT_TRUE(server.images.empty());
}

TEST(Agent, UploadsLeftoversFromAPreviousRunFirst) {
  FakeTilsyn server({});  // no jobs: only the leftover can be uploaded
  testing::TempDir dir;
  std::string old_id = NewUuid();
  {
    auto box = Outbox::Open(dir.path(), std::string(32, 'k')).value();
    std::string jpeg = imaging::EncodeJpeg(cv::Mat(8, 8, CV_8UC3, cv::Scalar(0, 0, 0))).value();
    ASSERT_TRUE(box->Put(old_id, Json{{"id", old_id}, {"job_id", "old"}}.dump(), jpeg).ok());
  }
  FakeClock clock(T0());
  AgentConfig config = Config(server.url(), dir.path());
  // The key the leftover was sealed with: 32 bytes of 'k' (0x6b), as the environment gives it.
  for (int i = 0; i < 32; ++i) config.outbox_key += "6b";
  Built b = Build(config, &clock, Drive(T0()));
  auto summary = b.agent->Run();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->captures, 0);
  EXPECT_EQ(summary->uploaded, 1);
  EXPECT_EQ(summary->pending, 0);
  std::lock_guard<std::mutex> l(server.mu);
  ASSERT_EQ(server.metadata.size(), 1u);
  EXPECT_EQ(server.metadata[0]["id"], old_id);
}

TEST(Agent, ServerDownUsesCachedJobsAndKeepsCapturesPending) {
  testing::TempDir dir;
  {
    auto cache = JobCache::Load(dir.path()).value();
    ASSERT_TRUE(cache
                    .ApplyDelta({{"version", 3},
                                 {"jobs", {tasks::JobToJson(CircleJob("job-a", kCenter, 30))}}})
                    .ok());
  }
  std::string url;
  {
    FakeTilsyn gone({});
    url = gone.url();
  }
  AgentConfig cfg = Config(url, dir.path());
  cfg.drain_timeout_s = 0;
  FakeClock clock(T0());
  Built b = Build(cfg, &clock, Drive(T0()));
  auto summary = b.agent->Run();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->captures, 1);
  EXPECT_EQ(summary->uploaded, 0);
  EXPECT_EQ(summary->pending, 1);
  EXPECT_GE(summary->sync_errors, 1);
  EXPECT_EQ(summary->captures_outside_geofence, 0);
}

TEST(Agent, StopFlagEndsTheRunBeforeTheTrace) {
  FakeTilsyn server({CircleJob("job-a", kCenter, 30)});
  testing::TempDir dir;
  FakeClock clock(T0());
  Built b = Build(Config(server.url(), dir.path()), &clock, Drive(T0()));
  std::atomic<bool> stop{true};
  auto summary = b.agent->Run(&stop);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->stopped);
  EXPECT_EQ(summary->fixes, 0);
}

// A live source (like gpsd): yields fixes until the stop flag it was given is set, then ends.
class LiveSource : public GpsSource {
 public:
  explicit LiveSource(std::atomic<bool>* stop_after_3) : trip_(stop_after_3) {}
  Result<std::optional<GpsFix>> Next() override {
    if (n_ == 3) {  // SIGINT arrives while the source waits for the 4th fix
      trip_->store(true);
      if (stop_ && stop_->load()) return std::optional<GpsFix>();
      return Status::Internal("the agent did not hand its stop flag to the source");
    }
    ++n_;
    return std::optional<GpsFix>(FixAt(kCenter, T0() + n_ * 1000));
  }
  void SetStop(const std::atomic<bool>* stop) override { stop_ = stop; }

 private:
  std::atomic<bool>* trip_;
  const std::atomic<bool>* stop_ = nullptr;
  int n_ = 0;
};

TEST(Agent, StopSeenByALiveSourceEndsTheRunAsStopped) {
  FakeTilsyn server({});
  testing::TempDir dir;
  FakeClock clock(T0());
  std::atomic<bool> stop{false};
  AgentConfig cfg = Config(server.url(), dir.path());
  AgentDeps deps;
  deps.clock = &clock;
  deps.gps = std::make_unique<LiveSource>(&stop);
  deps.camera = std::make_unique<WhiteCamera>();
  deps.anonymizer = std::make_unique<BlackoutAnonymizer>();
  deps.jobs = NewHttpJobSource(cfg.server_url, cfg.token);
  auto agent = Agent::CreateWith(cfg, std::move(deps));
  ASSERT_TRUE(agent.ok());
  auto summary = (*agent)->Run(&stop);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->stopped);
  EXPECT_EQ(summary->fixes, 3);
}

TEST(Agent, PeriodicSyncUsesGpsTimeAndTheLastVersion) {
  FakeTilsyn server({CircleJob("job-a", kCenter, 30)});
  testing::TempDir dir;
  AgentConfig cfg = Config(server.url(), dir.path());
  cfg.sync_interval_s = 10;
  FakeClock clock(T0());
  Built b = Build(cfg, &clock, Drive(T0()));  // 40 s of GPS time
  ASSERT_TRUE(b.agent->Run().ok());
  std::lock_guard<std::mutex> l(server.mu);
  ASSERT_EQ(server.since_seen.size(), 5u);  // start + every 10 s
  EXPECT_EQ(server.since_seen[0], "0");
  EXPECT_EQ(server.since_seen[1], "5");
}

TEST(Agent, AccuracyLimitFromTheConfigKeepsNoisyFixesFromTriggering) {
  FakeTilsyn server({CircleJob("job-a", kCenter, 30)});
  auto noisy = Drive(T0());
  for (auto& f : noisy) f.accuracy_m = 50;
  for (double limit : {25.0, 0.0}) {  // the default, then off
    testing::TempDir dir;
    AgentConfig cfg = Config(server.url(), dir.path());
    cfg.max_accuracy_m = limit;
    FakeClock clock(T0());
    Built b = Build(cfg, &clock, noisy);
    auto summary = b.agent->Run();
    ASSERT_TRUE(summary.ok());
    EXPECT_EQ(summary->captures, limit > 0 ? 0 : 1) << limit;
    EXPECT_EQ(summary->inaccurate_fixes_ignored > 0, limit > 0) << limit;
  }
}

// A frame exposed 2 s after its fix at 18 km/h was taken 10 m further on: dropped and counted
// (nothing stored or sent), and the next fix inside the fence captures an in-sync frame.
TEST(Agent, AFrameTooFarFromItsFixIsDroppedAndTheNextFixTriesAgain) {
  FakeTilsyn server({CircleJob("job-a", kCenter, 30)});
  testing::TempDir dir;
  FakeClock clock(T0());
  Built b = Build(Config(server.url(), dir.path()), &clock, Drive(T0()));
  b.camera->lag_ms = 2000;
  b.camera->lagging = 1;
  auto summary = b.agent->Run();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->frames_out_of_sync, 1);
  EXPECT_EQ(summary->captures, 1) << "the next fix in the fence tried again";
  EXPECT_EQ(b.camera->captures, 2);
  EXPECT_EQ(summary->ToJson()["frames_out_of_sync"], 1);
  std::lock_guard<std::mutex> l(server.mu);
  ASSERT_EQ(server.metadata.size(), 1u);
  EXPECT_TRUE(geo::Geofence::Circle(kCenter, 30)
                  .Contains({server.metadata[0]["lat"], server.metadata[0]["lon"]}));
}

TEST(Agent, FrameOffsetIsTheDistanceDrivenBetweenFixAndFrame) {
  GpsFix fix = FixAt(kCenter, T0(), 36, 90);  // 10 m/s
  EXPECT_DOUBLE_EQ(FrameOffsetM(T0() + 500, fix), 5.0);
  EXPECT_DOUBLE_EQ(FrameOffsetM(T0() - 500, fix), 5.0) << "a frame from before the fix too";
  fix.speed_kmh.reset();  // unknown: an urban upper bound, never zero
  EXPECT_NEAR(FrameOffsetM(T0() + 360, fix), 5.0, 1e-9);
  fix.speed_kmh = 0;  // standing still: any delay is in sync
  EXPECT_DOUBLE_EQ(FrameOffsetM(T0() + 60'000, fix), 0.0);
}

TEST(Agent, LiveGpsdDefaultsToStaleFixRejectionAndReplayDoesNot) {
  FakeTilsyn server({CircleJob("job-a", kCenter, 30)});
  struct Case {
    bool gpsd;
    double max_fix_age_s;
    int captures;
  };
  // The clock is an hour past the fixes: a live source must treat them as stale.
  for (Case c : {Case{true, -1, 0}, Case{true, 0, 1}, Case{false, -1, 1}}) {
    testing::TempDir dir;
    AgentConfig cfg = Config(server.url(), dir.path());
    if (c.gpsd) {
      cfg.gps_file.clear();
      cfg.gpsd = "127.0.0.1:2947";  // the config only; the test injects the fixes
    }
    cfg.max_fix_age_s = c.max_fix_age_s;
    FakeClock clock(T0() + 3'600'000);
    Built b = Build(cfg, &clock, Drive(T0()));
    auto summary = b.agent->Run();
    ASSERT_TRUE(summary.ok());
    EXPECT_EQ(summary->captures, c.captures) << c.gpsd << " " << c.max_fix_age_s;
    EXPECT_EQ(summary->stale_fixes_ignored > 0, c.captures == 0);
  }
}

TEST(Agent, CreateRejectsBadConfigNamingTheField) {
  FakeClock clock;
  AgentConfig cfg;
  auto a = Agent::Create(cfg, &clock);
  EXPECT_EQ(a.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(a.status().field(), "server_url");
  testing::TempDir dir;
  cfg = Config("http://127.0.0.1:1", dir.path());
  cfg.gps_file = dir.Sub("missing.nmea");
  a = Agent::Create(cfg, &clock);
  EXPECT_EQ(a.status().field(), "gps_file");
}

}  // namespace
}  // namespace tilsyn::agent
