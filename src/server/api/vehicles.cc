// /api/v1/vehicles: register vehicles, list them, and issue a vehicle's token (shown once).
#include "core/ids.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"
#include "server/app.h"
#include "server/fleet_state.h"

namespace tilsyn::server {
namespace {

bool IsIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

Result<net::HttpResponse> CreateVehicle(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  store::Vehicle v;
  TILSYN_ASSIGN_OR_RETURN(v.name, GetString(body, "name", "name"));
  if (v.name.empty() || v.name.size() > 200) {
    return Status::InvalidArgument("name must be 1..200 characters", "name");
  }
  TILSYN_ASSIGN_OR_RETURN(auto kind, GetOptString(body, "kind", "kind"));
  if (kind) {
    if (!IsIdentifier(*kind)) {
      return Status::InvalidArgument("kind must be 1..40 of [a-z0-9_-], e.g. sweeper", "kind");
    }
    v.kind = *kind;
  }
  TILSYN_ASSIGN_OR_RETURN(auto lane, GetOptString(body, "lane", "lane"));
  if (lane) {
    if (*lane != "roadway" && *lane != "bike_lane" && *lane != "both") {
      return Status::InvalidArgument("lane must be roadway, bike_lane or both", "lane");
    }
    v.lane = *lane;
  }
  v.id = NewUuid();
  v.created_ms = ctx.clock->NowMs();
  TILSYN_RETURN_IF_ERROR(ctx.store->CreateVehicle(v));
  net::HttpResponse r = Created(VehicleToJson(v));
  r.headers.emplace_back("Location", "/api/v1/vehicles/" + v.id);
  return r;
}

Result<net::HttpResponse> ListVehicles(const ApiContext& ctx, const ApiRequest&) {
  TILSYN_ASSIGN_OR_RETURN(auto list, ctx.store->ListVehicles());
  Json out = Json::array();
  const TimeMs now = ctx.clock->NowMs();
  for (const auto& v : list) {
    Json j = VehicleToJson(v);
    j["fleet"] = FleetState(v, now);
    out.push_back(std::move(j));
  }
  return Ok(Json{{"vehicles", out}});
}

Result<net::HttpResponse> IssueVehicleToken(const ApiContext& ctx, const ApiRequest& req) {
  const std::string& id = req.Param("id");
  Result<store::Vehicle> v = ctx.store->GetVehicle(id);
  if (!v.ok()) {
    if (v.status().code() == Code::kNotFound) return Status::NotFound("no vehicle " + id, "id");
    return v.status();
  }
  TILSYN_ASSIGN_OR_RETURN(std::string token, IssueToken(ctx.store, "vehicle", v->id, ctx.clock));
  TILSYN_RETURN_IF_ERROR(ctx.store
                             ->AppendAudit(RequestAudit(ctx, req, "token.issue", "vehicle", v->id,
                                                        "", {{"role", "vehicle"}}))
                             .status());
  return Created(Json{{"token", token}, {"role", "vehicle"}, {"vehicle_id", v->id}});
}

}  // namespace

void RegisterVehicleRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"POST",
              "/api/v1/vehicles",
              kAdminOnly,
              "Register a vehicle",
              "vehicles",
              {},
              "VehicleInput",
              "application/json",
              "Vehicle",
              201},
             [ctx](const ApiRequest& r) { return CreateVehicle(ctx, r); });
  router.Add({"GET",
              "/api/v1/vehicles",
              kAdminInspector,
              "List vehicles",
              "vehicles",
              {},
              "",
              "",
              "VehicleList",
              200},
             [ctx](const ApiRequest& r) { return ListVehicles(ctx, r); });
  router.Add({"POST",
              "/api/v1/vehicles/{id}/token",
              kAdminOnly,
              "Issue a bearer token for a vehicle (shown once)",
              "vehicles",
              {},
              "",
              "",
              "TokenIssued",
              201},
             [ctx](const ApiRequest& r) { return IssueVehicleToken(ctx, r); });
}

}  // namespace tilsyn::server
