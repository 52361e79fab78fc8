#include <gtest/gtest.h>

#include "core/time_format.h"
#include "server/fleet_state.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

using FleetApi = ApiTest;

Json Beat(TimeMs sent_at, const std::string& camera = "streaming", int64_t depth = 0,
          double oldest_age_s = 0, bool fix = true) {
  Json j = {{"sent_at", FormatIso8601(sent_at)},
            {"software_version", "0.9.0"},
            {"config_version", 0},
            {"camera", camera},
            {"outbox", {{"depth", depth}, {"oldest_age_s", oldest_age_s}}},
            {"fix", nullptr}};
  if (fix) {
    j["fix"] = {{"lat", 55.6761},
                {"lon", 12.5683},
                {"accuracy_m", 4},
                {"time", FormatIso8601(sent_at - 1000)}};
  }
  return j;
}

Json FleetOf(const Json& list, const std::string& id) {
  for (const Json& v : list["vehicles"]) {
    if (v["id"] == id) return v["fleet"];
  }
  return nullptr;
}

TEST_F(FleetApi, HeartbeatsShowInTheVehicleListWithWarnings) {
  auto [healthy, healthy_token] = CreateVehicleWithToken("healthy");
  auto [silent, silent_token] = CreateVehicleWithToken("silent");
  auto [blind, blind_token] = CreateVehicleWithToken("blind");
  auto [never, never_token] = CreateVehicleWithToken("never seen");
  ASSERT_EQ(Call("POST", "/api/v1/heartbeat", silent_token, Beat(clock_.NowMs())).status, 200);
  clock_.Advance(11 * 60'000);  // the silent one says nothing for 11 minutes
  Reply ok = Call("POST", "/api/v1/heartbeat", healthy_token, Beat(clock_.NowMs()));
  ASSERT_EQ(ok.status, 200) << ok.raw.body;
  EXPECT_EQ(ok.json["config_version"], 0);
  ASSERT_EQ(Call("POST", "/api/v1/heartbeat", blind_token,
                 Beat(clock_.NowMs(), "reconnecting", 0, 0, /*fix=*/false))
                .status,
            200);

  Reply l = Call("GET", "/api/v1/vehicles", inspector_);
  ASSERT_EQ(l.status, 200) << l.raw.body;
  EXPECT_EQ(FleetOf(l.json, healthy)["warnings"], Json::array());
  EXPECT_EQ(FleetOf(l.json, healthy)["heartbeat"]["camera"], "streaming");
  EXPECT_EQ(FleetOf(l.json, healthy)["heartbeat"]["fix"]["accuracy_m"], 4);
  EXPECT_EQ(FleetOf(l.json, silent)["warnings"], Json::array({"silent"}));
  EXPECT_EQ(FleetOf(l.json, blind)["warnings"], Json::array({"no_fix", "camera"}));
  EXPECT_EQ(FleetOf(l.json, never)["warnings"], Json::array({"silent"}));
  EXPECT_TRUE(FleetOf(l.json, never)["heartbeat"].is_null());
}

TEST_F(FleetApi, AGrowingOutboxIsFlaggedAgainstThePreviousHeartbeat) {
  auto [id, token] = CreateVehicleWithToken();
  ASSERT_EQ(
      Call("POST", "/api/v1/heartbeat", token, Beat(clock_.NowMs(), "streaming", 3, 700)).status,
      200);
  // Deeper than a minute ago and the oldest waits > 10 min: not draining.
  clock_.Advance(60'000);
  ASSERT_EQ(
      Call("POST", "/api/v1/heartbeat", token, Beat(clock_.NowMs(), "streaming", 5, 760)).status,
      200);
  Reply l = Call("GET", "/api/v1/vehicles", admin_);
  EXPECT_EQ(FleetOf(l.json, id)["warnings"], Json::array({"outbox_growing"}));
  // Draining (fewer than before) is fine.
  clock_.Advance(60'000);
  ASSERT_EQ(
      Call("POST", "/api/v1/heartbeat", token, Beat(clock_.NowMs(), "streaming", 2, 820)).status,
      200);
  l = Call("GET", "/api/v1/vehicles", admin_);
  EXPECT_EQ(FleetOf(l.json, id)["warnings"], Json::array());
}

TEST_F(FleetApi, HeartbeatBadInputAndRoles) {
  auto [id, token] = CreateVehicleWithToken();
  Json bad = Beat(clock_.NowMs());
  bad["camera"] = "on fire";
  EXPECT_EQ(Call("POST", "/api/v1/heartbeat", token, bad).ErrorField(), "camera");
  EXPECT_EQ(Call("POST", "/api/v1/heartbeat", token, std::string("{")).ErrorField(), "body");
  EXPECT_EQ(Call("POST", "/api/v1/heartbeat", inspector_, Beat(clock_.NowMs())).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/heartbeat", "", Beat(clock_.NowMs())).status, 401);
  // Nothing of the refused bodies was stored.
  Reply l = Call("GET", "/api/v1/vehicles", admin_);
  EXPECT_TRUE(FleetOf(l.json, id)["heartbeat"].is_null());
}

TEST_F(FleetApi, AgentSettingsAreVersionedAuditedAndTravelWithTheJobSync) {
  auto [id, token] = CreateVehicleWithToken();
  Reply none = Call("GET", "/api/v1/agent-config", admin_);
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(none.json["version"], 0);
  EXPECT_FALSE(
      Call("GET", "/api/v1/jobs?since=0&config_version=0", token).json.contains("agent_config"));

  const Json settings = {{"jpeg_quality", 80}, {"upload_windows", {"22:00-06:00"}}};
  Reply put = Call("PUT", "/api/v1/agent-config", admin_, Json{{"settings", settings}});
  ASSERT_EQ(put.status, 200) << put.raw.body;
  EXPECT_EQ(put.json["version"], 1);
  EXPECT_EQ(put.json["created_by"], "alice");
  Reply v2 =
      Call("PUT", "/api/v1/agent-config", admin_, Json{{"settings", {{"jpeg_quality", 75}}}});
  ASSERT_EQ(v2.json["version"], 2);

  // An agent that runs version 1 (or none) gets version 2; one that runs 2 gets nothing.
  Reply sync = Call("GET", "/api/v1/jobs?since=0&config_version=1", token);
  ASSERT_EQ(sync.status, 200) << sync.raw.body;
  EXPECT_EQ(sync.json["agent_config"]["version"], 2);
  EXPECT_EQ(sync.json["agent_config"]["settings"]["jpeg_quality"], 75);
  EXPECT_FALSE(
      Call("GET", "/api/v1/jobs?since=0&config_version=2", token).json.contains("agent_config"));
  EXPECT_EQ(Call("GET", "/api/v1/jobs?since=0&config_version=x", token).ErrorField(),
            "config_version");

  store::AuditFilter f;
  f.action = "agent_settings.change";
  auto events = store_->ListAudit(f);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 2u);
}

TEST_F(FleetApi, AgentSettingsBadInputIsRefusedAndNothingIsStored) {
  auto field = [&](const Json& body) {
    return Call("PUT", "/api/v1/agent-config", admin_, body).ErrorField();
  };
  EXPECT_EQ(field(Json{{"settings", {{"server_url", "http://elsewhere"}}}}), "settings.server_url");
  EXPECT_EQ(field(Json{{"settings", {{"jpeg_quality", 101}}}}), "settings.jpeg_quality");
  EXPECT_EQ(field(Json{{"settings", {{"anonymizer_detectors", {"haar-face", "magic"}}}}}),
            "settings.anonymizer_detectors[1]");
  EXPECT_EQ(field(Json::object()), "settings");
  EXPECT_EQ(field(Json{{"settings", Json::object()}, {"extra", 1}}), "extra");
  EXPECT_EQ(
      Call("PUT", "/api/v1/agent-config", inspector_, Json{{"settings", {{"jpeg_quality", 80}}}})
          .status,
      403);
  EXPECT_EQ(Call("GET", "/api/v1/agent-config", admin_).json["version"], 0);
}

TEST(FleetState, ConfigErrorsAndOldFixesAreWarnings) {
  store::Vehicle v;
  const TimeMs now = ParseIso8601("2026-12-07T08:00:00Z").value();
  Json hb = Beat(now);
  hb["config_error"] = "version 3: unknown detector";
  hb["fix"]["time"] = FormatIso8601(now - 5 * 60'000);
  v.heartbeat_json = hb.dump();
  v.heartbeat_ms = now;
  EXPECT_EQ(FleetState(v, now + 1000)["warnings"], Json::array({"no_fix", "config_error"}));
}

}  // namespace
}  // namespace tilsyn::server::testing
