#include "agent/agent_config.h"

#include <gtest/gtest.h>

namespace tilsyn::agent {
namespace {

AgentConfig Good() {
  AgentConfig c;
  c.server_url = "http://127.0.0.1:8080";
  c.token = "t";
  c.data_dir = "/tmp/x";
  c.gps_file = "trace.nmea";
  c.camera_dir = "/tmp/cam";
  return c;
}

TEST(AgentConfig, ValidConfigPasses) { EXPECT_TRUE(Good().Validate().ok()); }

TEST(AgentConfig, EachProblemNamesItsField) {
  auto c = Good();
  c.server_url = "ftp://x";
  EXPECT_EQ(c.Validate().field(), "server_url");
  c = Good();
  c.token.clear();
  EXPECT_EQ(c.Validate().field(), "token");
  c = Good();
  c.video = "v.mp4";  // both cameras
  EXPECT_EQ(c.Validate().field(), "camera_dir");
  c = Good();
  c.camera_dir.clear();  // no camera
  EXPECT_EQ(c.Validate().field(), "camera_dir");
  c = Good();
  c.speed_factor = -1;
  EXPECT_EQ(c.Validate().field(), "speed_factor");
  c = Good();
  c.jpeg_quality = 0;
  EXPECT_EQ(c.Validate().field(), "jpeg_quality");
  c = Good();
  c.sync_interval_s = 0;
  EXPECT_EQ(c.Validate().field(), "sync_interval_s");
  c = Good();
  c.gps_file.clear();
  EXPECT_EQ(c.Validate().field(), "gps_file");
}

TEST(AgentConfig, GpsdIsExclusiveWithAReplayFileAndValidated) {
  auto c = Good();
  c.gpsd = "127.0.0.1:2947";  // and gps_file: both
  EXPECT_EQ(c.Validate().field(), "gpsd");
  c.gps_file.clear();
  EXPECT_TRUE(c.Validate().ok());
  c.gpsd = "127.0.0.1:notaport";
  EXPECT_EQ(c.Validate().field(), "gpsd");
}

TEST(AgentConfig, TriggerLimitsDefaultByGpsSourceAndNameTheirFields) {
  auto c = Good();
  EXPECT_EQ(c.EffectiveMaxFixAgeMs(), 0);  // replay: historical timestamps, off by default
  EXPECT_DOUBLE_EQ(c.max_accuracy_m, 25);
  c.gps_file.clear();
  c.gpsd = "127.0.0.1:2947";
  EXPECT_EQ(c.EffectiveMaxFixAgeMs(), 5000);  // live: on by default
  c.max_fix_age_s = 0;
  EXPECT_EQ(c.EffectiveMaxFixAgeMs(), 0);  // explicitly off
  c.max_fix_age_s = 2.5;
  EXPECT_EQ(c.EffectiveMaxFixAgeMs(), 2500);
  c = Good();
  c.max_accuracy_m = -1;
  EXPECT_EQ(c.Validate().field(), "max_accuracy_m");
  c = Good();
  c.max_fix_age_s = 1e9;
  EXPECT_EQ(c.Validate().field(), "max_fix_age_s");
  AgentConfig j;
  ASSERT_TRUE(ApplyConfigJson(
                  {{"gpsd", "gps.local:2947"}, {"max_fix_age_s", 3}, {"max_accuracy_m", 10}}, &j)
                  .ok());
  EXPECT_EQ(j.gpsd, "gps.local:2947");
  EXPECT_EQ(j.EffectiveMaxFixAgeMs(), 3000);
  EXPECT_DOUBLE_EQ(j.max_accuracy_m, 10);
  EXPECT_EQ(ApplyConfigJson({{"max_accuracy_m", "x"}}, &j).field(), "max_accuracy_m");
}

TEST(AgentConfig, JsonOverridesFieldsAndRejectsUnknownKeys) {
  AgentConfig c;
  ASSERT_TRUE(ApplyConfigJson({{"server_url", "http://h"},
                               {"jpeg_quality", 70},
                               {"speed_factor", 4},
                               {"drain_timeout_s", 5}},
                              &c)
                  .ok());
  EXPECT_EQ(c.server_url, "http://h");
  EXPECT_EQ(c.jpeg_quality, 70);
  EXPECT_DOUBLE_EQ(c.speed_factor, 4);
  EXPECT_EQ(c.drain_timeout_s, 5);
  EXPECT_EQ(ApplyConfigJson({{"sever_url", "x"}}, &c).field(), "sever_url");
  EXPECT_EQ(ApplyConfigJson({{"jpeg_quality", "high"}}, &c).field(), "jpeg_quality");
}

TEST(AgentConfig, OutboxCapsAreReadAndChecked) {
  AgentConfig c = Good();
  EXPECT_EQ(c.outbox_max_mb, 1024);
  EXPECT_EQ(c.outbox_max_age_days, 14);
  ASSERT_TRUE(ApplyConfigJson({{"outbox_max_mb", 200}, {"outbox_max_age_days", 3}}, &c).ok());
  EXPECT_EQ(c.outbox_max_mb, 200);
  EXPECT_EQ(c.outbox_max_age_days, 3);
  EXPECT_TRUE(c.Validate().ok());
  c.outbox_max_age_days = -1;
  EXPECT_EQ(c.Validate().field(), "outbox_max_age_days");
  c.outbox_max_age_days = 0;  // no cap
  c.outbox_max_mb = -5;
  EXPECT_EQ(c.Validate().field(), "outbox_max_mb");
}

}  // namespace
}  // namespace tilsyn::agent

namespace tilsyn::agent {
namespace {

TEST(AgentConfig, ALiveCameraIsExclusiveAndIsRead) {
  AgentConfig c = Good();
  c.camera = "rtsp://127.0.0.1:8554/cam";  // and the replay folder of Good()
  EXPECT_EQ(c.Validate().field(), "camera");
  c.camera_dir.clear();
  EXPECT_TRUE(c.Validate().ok()) << c.Validate().ToString();  // with replayed positions
  c.gps_file.clear();
  c.gpsd = "127.0.0.1:2947";
  EXPECT_TRUE(c.Validate().ok()) << c.Validate().ToString();
  c.camera = "/srv/frames";
  EXPECT_EQ(c.Validate().field(), "camera");
  c.camera = "/dev/video0";
  c.max_frame_age_ms = 0;
  EXPECT_EQ(c.Validate().field(), "max_frame_age_ms");
  AgentConfig d = Good();
  ASSERT_TRUE(
      ApplyConfigJson({{"camera", "rtsp://10.0.0.7/stream1"}, {"max_frame_age_ms", 500}}, &d).ok());
  EXPECT_EQ(d.camera, "rtsp://10.0.0.7/stream1");
  EXPECT_EQ(d.max_frame_age_ms, 500);
}

TEST(AgentConfig, PersonModeIsReadAndChecked) {
  AgentConfig c = Good();
  EXPECT_EQ(c.anonymizer_person_mode, "head");
  ASSERT_TRUE(ApplyConfigJson({{"anonymizer_person_mode", "off"}}, &c).ok());
  EXPECT_EQ(c.anonymizer_person_mode, "off");
  EXPECT_TRUE(c.Validate().ok());
  c.anonymizer_person_mode = "body";
  EXPECT_EQ(c.Validate().field(), "anonymizer_person_mode");
}

TEST(AgentConfig, JsonSetsAnonymizerDetectorsAndNamesABadEntry) {
  AgentConfig c;
  ASSERT_TRUE(ApplyConfigJson({{"anonymizer_detectors", {"default-pack", "hog-person"}}}, &c).ok());
  EXPECT_EQ(c.anonymizer_detectors, (std::vector<std::string>{"default-pack", "hog-person"}));
  EXPECT_EQ(ApplyConfigJson({{"anonymizer_detectors", {1}}}, &c).field(),
            "anonymizer_detectors[0]");
}

}  // namespace
}  // namespace tilsyn::agent
