// The agent and the server's fleet features: remote settings from the job sync, applied without
// a restart and kept over one; the heartbeat; upload windows.
#include <gtest/gtest.h>

#include <filesystem>

#include "agent_fixture.h"
#include "core/file_util.h"
#include "core/time_format.h"
#include "core/version.h"
#include "fakes/test_paths.h"

namespace tilsyn::agent {
namespace {
namespace fs = std::filesystem;
using testutil::Build;
using testutil::CircleJob;
using testutil::Config;
using testutil::Drive;
using testutil::FakeTilsyn;
using testutil::kCenter;
using testutil::T0;

TEST(AgentRemote, AppliesSettingsFromTheSyncWithoutARestartAndReportsTheVersion) {
  FakeTilsyn server({CircleJob("job-a", kCenter, 30)});
  server.agent_config = {{"version", 2},
                         {"settings", {{"jpeg_quality", 40}, {"sync_interval_s", 5}}}};
  testing::TempDir dir;
  FakeClock clock(T0());
  AgentConfig cfg = Config(server.url(), dir.path());
  cfg.heartbeat_interval_s = 3600;  // one at the start, one at the end
  auto b = Build(cfg, &clock, Drive(T0()));
  auto summary = b.agent->Run();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(b.agent->settings_version(), 2);
  EXPECT_EQ(b.agent->config().jpeg_quality, 40);
  EXPECT_EQ(b.agent->config().sync_interval_s, 5);
  EXPECT_EQ(summary->uploaded, 1);
  std::lock_guard<std::mutex> l(server.mu);
  // The first sync ran no settings; every later one says it runs version 2 (40 s of fixes at a
  // 5 s interval: the new interval took effect in the same run).
  ASSERT_GE(server.config_version_seen.size(), 5u);
  EXPECT_EQ(server.config_version_seen.front(), "0");
  EXPECT_EQ(server.config_version_seen.back(), "2");
  // The last heartbeat reports the version, the last fix and an empty outbox.
  ASSERT_FALSE(server.heartbeats.empty());
  EXPECT_EQ(summary->heartbeats_sent, static_cast<int64_t>(server.heartbeats.size()));
  EXPECT_EQ(summary->heartbeats_failed, 0);
  const Json& hb = server.heartbeats.back();
  EXPECT_EQ(hb["config_version"], 2);
  EXPECT_FALSE(hb.contains("config_error"));
  EXPECT_EQ(hb["camera"], "replay");
  EXPECT_EQ(hb["outbox"]["depth"], 0);
  EXPECT_EQ(hb["outbox"]["dropped"], 0);
  EXPECT_EQ(hb["software_version"], kSoftwareVersion);
  ASSERT_TRUE(hb["fix"].is_object());
  EXPECT_EQ(hb["fix"]["time"], FormatIso8601(T0() + 40'000));  // the drive's last fix
  EXPECT_TRUE(hb["clock_offset_ms"].is_null());                // a replay carries history
}

TEST(AgentRemote, TheAppliedSettingsOutliveARestartWithoutNetwork) {
  testing::TempDir dir;
  FakeClock clock(T0());
  {
    FakeTilsyn server({});
    server.agent_config = {{"version", 7}, {"settings", {{"max_accuracy_m", 3.0}}}};
    auto b = Build(Config(server.url(), dir.path()), &clock, Drive(T0()));
    ASSERT_TRUE(b.agent->Run().ok());
    EXPECT_EQ(b.agent->settings_version(), 7);
  }
  // The server is gone: the agent still runs version 7 — its fixes (accuracy 4 m) are now too
  // coarse to trigger, as the settings say.
  AgentConfig cfg = Config("http://127.0.0.1:9", dir.path());
  cfg.drain_timeout_s = 0;
  std::vector<GpsFix> again = Drive(T0() + 3'600'000);
  auto b = Build(cfg, &clock, again);
  auto summary = b.agent->Run();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(b.agent->settings_version(), 7);
  EXPECT_EQ(b.agent->config().max_accuracy_m, 3.0);
}

TEST(AgentRemote, SettingsItCannotApplyChangeNothingAndAreReported) {
  FakeTilsyn server({CircleJob("job-a", kCenter, 30)});
  // No anonymizer factory in these deps: a settings version that changes the anonymizer is
  // refused as a whole (the JPEG quality in it too), and the agent says why.
  server.agent_config = {
      {"version", 3},
      {"settings", {{"anonymizer_detectors", {"haar-face"}}, {"jpeg_quality", 10}}}};
  testing::TempDir dir;
  FakeClock clock(T0());
  auto b = Build(Config(server.url(), dir.path()), &clock, Drive(T0()));
  ASSERT_TRUE(b.agent->Run().ok());
  EXPECT_EQ(b.agent->settings_version(), 0);
  EXPECT_EQ(b.agent->config().jpeg_quality, 90);
  EXPECT_FALSE(fs::exists(dir.Sub("agent_settings.json")));
  std::lock_guard<std::mutex> l(server.mu);
  ASSERT_FALSE(server.heartbeats.empty());
  EXPECT_EQ(server.heartbeats.back()["config_version"], 0);
  EXPECT_NE(server.heartbeats.back()["config_error"].get<std::string>().find("version 3"),
            std::string::npos);
}

TEST(AgentRemote, ALocalOnlyKeyInTheSettingsIsRefused) {
  FakeTilsyn server({});
  server.agent_config = {{"version", 4}, {"settings", {{"server_url", "http://127.0.0.1:1"}}}};
  testing::TempDir dir;
  FakeClock clock(T0());
  auto b = Build(Config(server.url(), dir.path()), &clock, Drive(T0()));
  ASSERT_TRUE(b.agent->Run().ok());
  EXPECT_EQ(b.agent->settings_version(), 0);
  EXPECT_EQ(b.agent->config().server_url, server.url());
}

TEST(AgentRemote, OutsideItsUploadWindowsTheOutboxWaits) {
  FakeTilsyn server({CircleJob("job-a", kCenter, 30)});
  // T0 is 11:00 in Copenhagen: a night window holds the upload back.
  server.agent_config = {{"version", 1}, {"settings", {{"upload_windows", {"22:00-06:00"}}}}};
  testing::TempDir dir;
  FakeClock clock(T0());
  AgentConfig cfg = Config(server.url(), dir.path());
  cfg.drain_timeout_s = 0;
  auto b = Build(cfg, &clock, Drive(T0()));
  auto summary = b.agent->Run();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->captures, 1);
  EXPECT_EQ(summary->uploaded, 0);
  EXPECT_EQ(summary->pending, 1);
  std::lock_guard<std::mutex> l(server.mu);
  EXPECT_TRUE(server.images.empty());
  EXPECT_EQ(server.heartbeats.back()["outbox"]["depth"], 1);
}

}  // namespace
}  // namespace tilsyn::agent
