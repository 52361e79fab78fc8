// /api/v1/jobs: capture-job delta sync for vehicles ("everything changed after version V").
#include <algorithm>
#include <limits>

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
  for (const auto& j : jobs) {
    current = std::max(current, j.version);
    out.push_back(tasks::JobToJson(j));
  }
  return Ok(Json{{"version", current}, {"jobs", out}});
}

}  // namespace

void RegisterJobRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/jobs",
              kVehicleOnly,
              "Capture jobs changed after version `since` (inactive ones tell the agent to drop "
              "them)",
              "jobs",
              {"since"},
              "",
              "",
              "JobSync",
              200},
             [ctx](const ApiRequest& r) { return SyncJobs(ctx, r); });
}

}  // namespace tilsyn::server
