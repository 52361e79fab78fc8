#include "tasks/heartbeat.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace tilsyn::tasks {
namespace {

Heartbeat Full() {
  Heartbeat h;
  h.sent_at = ParseIso8601("2026-12-07T08:00:00Z").value();
  h.software_version = "0.9.0";
  h.config_version = 3;
  h.camera = "streaming";
  h.outbox_depth = 4;
  h.outbox_oldest_age_s = 12.5;
  h.outbox_dropped = 2;
  h.fix = HeartbeatFix{55.6761, 12.5683, 3.5, h.sent_at - 1000};
  h.clock_offset_ms = -40;
  return h;
}

TEST(Heartbeat, RoundTripsThroughJson) {
  const Heartbeat h = Full();
  auto back = HeartbeatFromJson(HeartbeatToJson(h));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(HeartbeatToJson(*back), HeartbeatToJson(h));
  EXPECT_EQ(back->fix->accuracy_m, 3.5);
  EXPECT_EQ(back->clock_offset_ms, -40);
}

TEST(Heartbeat, NoFixYetIsNull) {
  Heartbeat h = Full();
  h.fix.reset();
  h.clock_offset_ms.reset();
  const Json j = HeartbeatToJson(h);
  EXPECT_TRUE(j["fix"].is_null());
  auto back = HeartbeatFromJson(j);
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->fix.has_value());
}

TEST(Heartbeat, BadBodiesNameTheField) {
  auto field = [](std::function<void(Json&)> mutate) {
    Json j = HeartbeatToJson(Full());
    mutate(j);
    return HeartbeatFromJson(j).status().field();
  };
  EXPECT_EQ(field([](Json& j) { j["camera"] = "on fire"; }), "camera");
  EXPECT_EQ(field([](Json& j) { j["fix"]["lat"] = 91; }), "fix.lat");
  EXPECT_EQ(field([](Json& j) { j["fix"]["time"] = "yesterday"; }), "fix.time");
  EXPECT_EQ(field([](Json& j) { j["outbox"]["depth"] = -1; }), "outbox.depth");
  EXPECT_EQ(field([](Json& j) { j.erase("outbox"); }), "outbox");
  EXPECT_EQ(field([](Json& j) { j["outbox"]["dropped"] = -3; }), "outbox.dropped");
  EXPECT_EQ(field([](Json& j) { j["config_version"] = "3"; }), "config_version");
  EXPECT_EQ(field([](Json& j) { j["sent_at"] = 5; }), "sent_at");
  EXPECT_EQ(HeartbeatFromJson(Json::array()).status().field(), "body");
}

}  // namespace
}  // namespace tilsyn::tasks
