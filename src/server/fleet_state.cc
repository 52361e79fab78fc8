#include "server/fleet_state.h"

#include "core/time_format.h"
#include "tasks/heartbeat.h"

namespace tilsyn::server {
namespace {

std::optional<tasks::Heartbeat> Parse(const std::string& text) {
  if (text.empty()) return std::nullopt;
  Result<Json> j = ParseJson(text);
  if (!j.ok()) return std::nullopt;
  Result<tasks::Heartbeat> h = tasks::HeartbeatFromJson(*j);
  if (!h.ok()) return std::nullopt;
  return *h;
}

}  // namespace

Json FleetState(const store::Vehicle& v, TimeMs now, const FleetLimits& limits) {
  const std::optional<tasks::Heartbeat> hb = Parse(v.heartbeat_json);
  const std::optional<tasks::Heartbeat> prev = Parse(v.prev_heartbeat_json);
  Json warnings = Json::array();
  if (!hb || !v.heartbeat_ms || now - *v.heartbeat_ms > limits.silent_after_ms) {
    warnings.push_back("silent");
  }
  if (hb) {
    if (!hb->fix || hb->sent_at - hb->fix->time > limits.fix_max_age_ms) {
      warnings.push_back("no_fix");
    }
    if (hb->camera == "reconnecting" || hb->camera == "stale" || hb->camera == "stopped") {
      warnings.push_back("camera");
    }
    const bool grew = prev && hb->outbox_depth > prev->outbox_depth &&
                      hb->outbox_oldest_age_s > limits.outbox_grow_age_s;
    if (grew || hb->outbox_oldest_age_s > limits.outbox_max_age_s) {
      warnings.push_back("outbox_growing");
    }
    if (!hb->config_error.empty()) warnings.push_back("config_error");
  }
  return {{"heartbeat", hb ? tasks::HeartbeatToJson(*hb) : Json(nullptr)},
          {"received_at", v.heartbeat_ms ? Json(FormatIso8601(*v.heartbeat_ms)) : Json(nullptr)},
          {"warnings", warnings}};
}

}  // namespace tilsyn::server
