// /api/v1/permits: the street-occupation permits that permit-check tasks compare observations
// with (tasks/permit.h). PUT-like POST: a repeat id replaces the permit (201 new, 200 replaced);
// every change is audited. `tilsyn import permits` writes the same records from CSV/GeoJSON.
#include "core/time_format.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"

namespace tilsyn::server {
namespace {

Result<net::HttpResponse> PutPermit(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  TILSYN_ASSIGN_OR_RETURN(tasks::Permit p, tasks::PermitFromJson(body));
  p.updated_ms = ctx.clock->NowMs();
  bool created = false;
  TILSYN_RETURN_IF_ERROR(ctx.store->WithAudit(
      RequestAudit(ctx, req, "permit.put", "permit", p.id, "",
                   Json{{"kind", p.kind}, {"valid_to", FormatIso8601(p.valid_to)}}),
      [&](store::Store& s) -> Status {
        TILSYN_ASSIGN_OR_RETURN(created, s.permits().PutPermit(p));
        return Status::Ok();
      }));
  return created ? Created(tasks::PermitToJson(p)) : Ok(tasks::PermitToJson(p));
}

Result<net::HttpResponse> ListPermits(const ApiContext& ctx, const ApiRequest& req) {
  store::PermitFilter f;
  if (auto at = QueryString(req.http, "at")) {
    Result<TimeMs> t = ParseIso8601(*at);
    if (!t.ok()) return Status::InvalidArgument("at must be an RFC 3339 time", "at");
    f.valid_at = *t;
  }
  if (auto kind = QueryString(req.http, "kind")) f.kind = *kind;
  TILSYN_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req.http, "limit", 1000, 1, 10000));
  f.limit = static_cast<int>(limit);
  TILSYN_ASSIGN_OR_RETURN(auto list, ctx.store->permits().ListPermits(f));
  Json out = Json::array();
  for (const tasks::Permit& p : list) out.push_back(tasks::PermitToJson(p));
  return Ok(Json{{"permits", out}});
}

Result<net::HttpResponse> GetPermit(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(tasks::Permit p, ctx.store->permits().GetPermit(req.Param("id")));
  return Ok(tasks::PermitToJson(p));
}

}  // namespace

void RegisterPermitRoutes(Router& router, const ApiContext& ctx) {
  const std::vector<store::Role> writers = {store::Role::kAdmin, store::Role::kInspector};
  const std::vector<store::Role> readers = {store::Role::kAdmin, store::Role::kInspector,
                                            store::Role::kDpo};
  router.Add({"POST",
              "/api/v1/permits",
              writers,
              "Create or replace (same id) a permit to occupy the street; audited",
              "permits",
              {},
              "Permit",
              "application/json",
              "Permit",
              201},
             [ctx](const ApiRequest& r) { return PutPermit(ctx, r); });
  router.Add({"GET",
              "/api/v1/permits",
              readers,
              "List permits, optionally only those valid at a time or of a kind",
              "permits",
              {"at", "kind", "limit"},
              "",
              "",
              "PermitList",
              200},
             [ctx](const ApiRequest& r) { return ListPermits(ctx, r); });
  router.Add({"GET",
              "/api/v1/permits/{id}",
              readers,
              "Get a permit",
              "permits",
              {},
              "",
              "",
              "Permit",
              200},
             [ctx](const ApiRequest& r) { return GetPermit(ctx, r); });
}

}  // namespace tilsyn::server
