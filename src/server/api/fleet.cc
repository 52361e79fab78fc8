// The fleet: POST /api/v1/heartbeat (a vehicle reports its state; tasks/heartbeat.h) and the
// versioned agent settings the server may change (GET/PUT /api/v1/agent-config;
// tasks/agent_settings.h), which the job sync hands to agents. The fleet view itself is
// GET /api/v1/vehicles (vehicles.cc), each vehicle with its FleetState.
#include "core/time_format.h"
#include "imaging/anonymizer.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"
#include "tasks/agent_settings.h"
#include "tasks/heartbeat.h"

namespace tilsyn::server {
namespace {

Result<net::HttpResponse> PostHeartbeat(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  TILSYN_ASSIGN_OR_RETURN(tasks::Heartbeat hb, tasks::HeartbeatFromJson(body));
  const std::string vehicle = req.principal ? req.principal->subject : "";
  const TimeMs now = ctx.clock->NowMs();
  // Stored as we re-serialise it: only the fields we know, never the caller's extra members.
  TILSYN_RETURN_IF_ERROR(
      ctx.store->RecordHeartbeat(vehicle, tasks::HeartbeatToJson(hb).dump(), now));
  TILSYN_ASSIGN_OR_RETURN(auto settings, ctx.store->CurrentAgentSettings());
  return Ok(Json{{"received_at", FormatIso8601(now)},
                 {"config_version", settings ? settings->version : 0}});
}

Json SettingsToJson(const std::optional<store::AgentSettingsRecord>& s) {
  if (!s) return Json{{"version", 0}, {"settings", Json::object()}};
  Result<Json> settings = ParseJson(s->json);
  return Json{{"version", s->version},
              {"settings", settings.ok() ? *settings : Json::object()},
              {"created_at", FormatIso8601(s->created_ms)},
              {"created_by", s->created_by}};
}

Result<net::HttpResponse> GetAgentConfig(const ApiContext& ctx, const ApiRequest&) {
  TILSYN_ASSIGN_OR_RETURN(auto current, ctx.store->CurrentAgentSettings());
  return Ok(SettingsToJson(current));
}

Result<net::HttpResponse> PutAgentConfig(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  for (const auto& [key, _] : body.items()) {
    if (key != "settings") return Status::InvalidArgument("unknown member", key);
  }
  if (!body.contains("settings")) return Status::InvalidArgument("is required", "settings");
  const Json& settings = body["settings"];
  TILSYN_RETURN_IF_ERROR(tasks::ValidateAgentSettings(settings));
  if (settings.contains("anonymizer_detectors")) {
    TILSYN_RETURN_IF_ERROR(imaging::CheckDetectorNames(
        settings["anonymizer_detectors"].get<std::vector<std::string>>(),
        "settings.anonymizer_detectors"));
  }
  store::AgentSettingsRecord rec;
  rec.json = settings.dump();
  rec.created_ms = ctx.clock->NowMs();
  rec.created_by = req.principal ? req.principal->subject : "";
  int64_t version = 0;
  TILSYN_RETURN_IF_ERROR(
      ctx.store->WithAudit(RequestAudit(ctx, req, "agent_settings.change", "agent_settings", "", "",
                                        {{"settings", settings}}),
                           [&](store::Store& s) -> Status {
                             TILSYN_ASSIGN_OR_RETURN(version, s.PutAgentSettings(rec));
                             return Status::Ok();
                           }));
  rec.version = version;
  return Ok(SettingsToJson(rec));
}

}  // namespace

void RegisterFleetRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"POST",
              "/api/v1/heartbeat",
              kVehicleOnly,
              "A vehicle agent's state: last fix, camera, outbox, settings and software version, "
              "clock offset",
              "vehicles",
              {},
              "Heartbeat",
              "application/json",
              "HeartbeatReceived",
              200},
             [ctx](const ApiRequest& r) { return PostHeartbeat(ctx, r); });
  router.Add({"GET",
              "/api/v1/agent-config",
              kAdminOnly,
              "The agent settings the server sends with the job sync (version 0 = none)",
              "vehicles",
              {},
              "",
              "",
              "AgentConfig",
              200},
             [ctx](const ApiRequest& r) { return GetAgentConfig(ctx, r); });
  router.Add({"PUT",
              "/api/v1/agent-config",
              kAdminOnly,
              "Store a new version of the agent settings; agents apply it at their next sync",
              "vehicles",
              {},
              "AgentConfigInput",
              "application/json",
              "AgentConfig",
              200},
             [ctx](const ApiRequest& r) { return PutAgentConfig(ctx, r); });
}

}  // namespace tilsyn::server
