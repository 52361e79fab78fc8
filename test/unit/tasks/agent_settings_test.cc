#include "tasks/agent_settings.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace tilsyn::tasks {
namespace {

std::string FieldOf(const Json& settings) { return ValidateAgentSettings(settings).field(); }

TEST(AgentSettings, AcceptsEveryRemoteKeyInRange) {
  const Json ok = {{"anonymizer_detectors", {"haar-face", "haar-plate"}},
                   {"anonymizer_person_mode", "full"},
                   {"jpeg_quality", 85},
                   {"max_accuracy_m", 15.5},
                   {"max_fix_age_s", -1},
                   {"max_frame_offset_m", 3},
                   {"max_frame_age_ms", 500},
                   {"sync_interval_s", 30},
                   {"outbox_max_mb", 512},
                   {"outbox_max_age_days", 7},
                   {"upload_windows", {"22:00-06:00", "12:00-12:30"}},
                   {"upload_time_zone", "Europe/Copenhagen"}};
  EXPECT_TRUE(ValidateAgentSettings(ok).ok()) << ValidateAgentSettings(ok).ToString();
  EXPECT_TRUE(ValidateAgentSettings(Json::object()).ok());
}

TEST(AgentSettings, RefusesLocalOnlyKeysAndNamesTheMember) {
  // A server must never redirect a vehicle, swap its token or read its keys.
  EXPECT_EQ(FieldOf({{"server_url", "http://evil.example"}}), "settings.server_url");
  EXPECT_EQ(FieldOf({{"token", "x"}}), "settings.token");
  EXPECT_EQ(FieldOf({{"outbox_key_file", "/tmp/k"}}), "settings.outbox_key_file");
  EXPECT_EQ(FieldOf({{"camera", "rtsp://elsewhere/"}}), "settings.camera");
  EXPECT_EQ(FieldOf(Json::array()), "settings");
}

TEST(AgentSettings, RefusesWrongTypesAndRanges) {
  EXPECT_EQ(FieldOf({{"jpeg_quality", 0}}), "settings.jpeg_quality");
  EXPECT_EQ(FieldOf({{"jpeg_quality", 90.5}}), "settings.jpeg_quality");
  EXPECT_EQ(FieldOf({{"sync_interval_s", "10"}}), "settings.sync_interval_s");
  EXPECT_EQ(FieldOf({{"max_accuracy_m", -2}}), "settings.max_accuracy_m");
  EXPECT_EQ(FieldOf({{"outbox_max_age_days", 4000}}), "settings.outbox_max_age_days");
  EXPECT_EQ(FieldOf({{"anonymizer_person_mode", "none"}}), "settings.anonymizer_person_mode");
  EXPECT_EQ(FieldOf({{"anonymizer_detectors", "haar-face"}}), "settings.anonymizer_detectors");
  EXPECT_EQ(FieldOf({{"anonymizer_detectors", {"haar-face", 3}}}),
            "settings.anonymizer_detectors[1]");
  EXPECT_EQ(FieldOf({{"upload_windows", {"22:00-06:00", "25:00-26:00"}}}),
            "settings.upload_windows[1]");
  EXPECT_EQ(FieldOf({{"upload_time_zone", "Mars/Olympus"}}), "settings.upload_time_zone");
}

TEST(UploadWindow, ParsesDailyPeriods) {
  auto w = ParseUploadWindow("22:00-06:30");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->from_minute, 22 * 60);
  EXPECT_EQ(w->to_minute, 6 * 60 + 30);
  EXPECT_TRUE(ParseUploadWindow("00:00-24:00").ok());
  for (const char* bad : {"", "22-06", "22:00-06:00x", "24:00-01:00", "10:60-11:00", "09:00-09:00",
                          "9:00-10:00", "09:00-24:01"}) {
    EXPECT_FALSE(ParseUploadWindow(bad).ok()) << bad;
  }
}

TEST(UploadWindow, ChecksLocalTimeIncludingWindowsOverMidnight) {
  // 2026-07-01 is summer time in Copenhagen: UTC+2.
  const TimeMs utc_21_30 = ParseIso8601("2026-07-01T21:30:00Z").value();  // 23:30 local
  const TimeMs utc_10_00 = ParseIso8601("2026-07-01T10:00:00Z").value();  // 12:00 local
  const std::vector<std::string> night = {"22:00-06:00"};
  EXPECT_TRUE(InUploadWindow(night, "Europe/Copenhagen", utc_21_30));
  EXPECT_FALSE(InUploadWindow(night, "Europe/Copenhagen", utc_10_00));
  EXPECT_FALSE(InUploadWindow(night, "UTC", utc_21_30));  // 21:30 in UTC
  EXPECT_TRUE(InUploadWindow({"11:00-13:00", "22:00-06:00"}, "Europe/Copenhagen", utc_10_00));
  EXPECT_TRUE(InUploadWindow({}, "Europe/Copenhagen", utc_10_00));  // no windows = always
}

}  // namespace
}  // namespace tilsyn::tasks
