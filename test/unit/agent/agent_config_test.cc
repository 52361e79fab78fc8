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

}  // namespace
}  // namespace tilsyn::agent

namespace tilsyn::agent {
namespace {

TEST(AgentConfig, JsonSetsAnonymizerDetectorsAndNamesABadEntry) {
  AgentConfig c;
  ASSERT_TRUE(ApplyConfigJson({{"anonymizer_detectors", {"default-pack", "hog-person"}}}, &c).ok());
  EXPECT_EQ(c.anonymizer_detectors, (std::vector<std::string>{"default-pack", "hog-person"}));
  EXPECT_EQ(ApplyConfigJson({{"anonymizer_detectors", {1}}}, &c).field(), "anonymizer_detectors[0]");
}

}  // namespace
}  // namespace tilsyn::agent
