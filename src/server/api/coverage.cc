// /api/v1/tasks/{id}/coverage: which vehicles pass the task's site, how often, how fast, on which
// lane (from the last `tilsyn coverage` report), and which vehicles its job is offered to.
#include "coverage/vehicle_selection.h"
#include "server/api/api.h"
#include "server/api/api_util.h"

namespace tilsyn::server {
namespace {

Result<net::HttpResponse> GetCoverage(const ApiContext& ctx, const ApiRequest& req) {
  const std::string id = req.Param("id");
  TILSYN_ASSIGN_OR_RETURN(tasks::Task task, LoadVisibleTask(ctx, req, id));
  std::optional<Json> site = ctx.coverage ? ctx.coverage->Site(task.id) : std::nullopt;
  std::optional<Json> summary = ctx.coverage ? ctx.coverage->Summary() : std::nullopt;
  auto selected = coverage::SelectVehicles(site, ctx.coverage_top_k);
  Json out{
      {"task_id", task.id},
      {"computed", site.has_value()},
      {"report", summary ? *summary : Json(nullptr)},
      {"site", site ? *site : Json(nullptr)},
      {"planner",
       {{"top_k", ctx.coverage_top_k}, {"offered_to", selected ? Json(*selected) : Json("all")}}}};
  return Ok(out);
}

}  // namespace

void RegisterCoverageRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/tasks/{id}/coverage",
              kReaders,
              "Fleet coverage of the task's site (vehicles passing, passes per day/week, "
              "time-of-day profile, median speed, lane) and the vehicles its job is offered to",
              "tasks",
              {},
              "",
              "",
              "TaskCoverage",
              200},
             [ctx](const ApiRequest& r) { return GetCoverage(ctx, r); });
}

}  // namespace tilsyn::server
