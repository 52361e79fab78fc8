// /api/v1/jobs: capture-job delta sync for vehicles ("everything changed after version V").
#include <algorithm>
#include <limits>

#include "coverage/vehicle_selection.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "tasks/capture_job.h"

namespace tilsyn::server {
namespace {

Result<net::HttpResponse> SyncJobs(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(int64_t since,
                          QueryInt(req.http, "since", 0, 0, std::numeric_limits<int64_t>::max()));
  // Read the version first: a job written in between is then sent again next time, never missed.
  TILSYN_ASSIGN_OR_RETURN(int64_t current, ctx.store->CurrentJobVersion());
  TILSYN_ASSIGN_OR_RETURN(auto jobs, ctx.store->JobsSince(since));
  Json out = Json::array();
  const std::string vehicle = req.principal ? req.principal->subject : "";
  for (const auto& j : jobs) {
    current = std::max(current, j.version);
    Json job = tasks::JobToJson(j);
    // Planner: offer an active job only to the vehicles that pass its site (top-k by passes in
    // the coverage report); to any other vehicle it is sent as inactive, so its agent drops it.
    if (j.active && ctx.coverage && ctx.coverage_top_k > 0) {
      auto selected = coverage::SelectVehicles(ctx.coverage.get(), j.task_id, ctx.coverage_top_k);
      if (selected && std::find(selected->begin(), selected->end(), vehicle) == selected->end()) {
        job["active"] = false;
      }
    }
    out.push_back(std::move(job));
  }
  Json body = {{"version", current}, {"jobs", out}};
  // The agent settings travel with the sync whenever the agent runs another version than the
  // newest (it says which in `config_version`; an agent that says nothing gets them every time).
  TILSYN_ASSIGN_OR_RETURN(int64_t runs, QueryInt(req.http, "config_version", -1, -1,
                                                 std::numeric_limits<int64_t>::max()));
  TILSYN_ASSIGN_OR_RETURN(auto settings, ctx.store->CurrentAgentSettings());
  if (settings && settings->version != runs) {
    TILSYN_ASSIGN_OR_RETURN(Json doc, ParseJson(settings->json));
    body["agent_config"] = {{"version", settings->version}, {"settings", doc}};
  }
  return Ok(body);
}

}  // namespace

void RegisterJobRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/jobs",
              kVehicleOnly,
              "Capture jobs changed after version `since` (inactive ones tell the agent to drop "
              "them)",
              "jobs",
              {"since", "config_version"},
              "",
              "",
              "JobSync",
              200},
             [ctx](const ApiRequest& r) { return SyncJobs(ctx, r); });
}

}  // namespace tilsyn::server
