// /api/v1/stats/services (success rates per service × label), /api/v1/stats/tasks (inspector
// feedback and satisfaction per task) and /api/v1/summary (counts for
// the dashboard and the privacy officer: observations, assessments, action runs, images).
#include "server/api/api.h"
#include "server/api/api_util.h"

namespace tilsyn::server {
namespace {

Result<net::HttpResponse> ServiceStats(const ApiContext& ctx, const ApiRequest&) {
  TILSYN_ASSIGN_OR_RETURN(auto stats, ctx.store->ServiceStatsSummary());
  Json out = Json::array();
  for (const auto& s : stats) {
    int64_t judged = s.feedback_correct + s.feedback_wrong;
    out.push_back(
        {{"service", s.service},
         {"label", s.label},
         {"calls", s.calls},
         {"good_enough", s.good_enough},
         {"good_enough_rate", s.calls > 0 ? static_cast<double>(s.good_enough) / s.calls : 0.0},
         {"errors", s.errors},
         {"timeouts", s.timeouts},
         {"fallbacks", s.fallbacks},
         {"p50_ms", s.p50_ms},
         {"p95_ms", s.p95_ms},
         {"feedback_correct", s.feedback_correct},
         {"feedback_wrong", s.feedback_wrong},
         {"precision",
          judged > 0 ? Json(static_cast<double>(s.feedback_correct) / judged) : Json(nullptr)}});
  }
  return Ok(Json{{"services", out}});
}

Result<net::HttpResponse> TaskStats(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(auto stats, ctx.store->TaskFeedbackSummary());
  Json out = Json::array();
  const bool scoped = !VisibleUnits(req).empty();
  for (const auto& s : stats) {
    if (scoped && !LoadVisibleTask(ctx, req, s.task_id).ok()) continue;
    const int64_t judged = s.correct + s.wrong + s.corrected;
    out.push_back(
        {{"task_id", s.task_id},
         {"title", s.title},
         {"assessments", s.assessments},
         {"with_feedback", s.with_feedback},
         {"correct", s.correct},
         {"wrong", s.wrong},
         {"corrected", s.corrected},
         {"precision", judged > 0 ? Json(static_cast<double>(s.correct) / judged) : Json(nullptr)},
         {"rated", s.rated},
         {"satisfaction_mean", s.satisfaction_mean ? Json(*s.satisfaction_mean) : Json(nullptr)}});
  }
  return Ok(Json{{"tasks", out}});
}

Json CountsToJson(const std::map<std::string, int64_t>& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

Result<net::HttpResponse> Summary(const ApiContext& ctx, const ApiRequest&) {
  TILSYN_ASSIGN_OR_RETURN(auto observations, ctx.store->CountObservationsByState());
  TILSYN_ASSIGN_OR_RETURN(auto assessments, ctx.store->CountAssessmentsByOutcome());
  TILSYN_ASSIGN_OR_RETURN(auto images, ctx.store->CountBlobs());
  // The store has no grouped count of action runs; a summary over a bounded window is enough.
  TILSYN_ASSIGN_OR_RETURN(auto runs, ctx.store->ListActionRuns(std::nullopt, 100'000));
  Json actions = Json::object();
  for (const auto& r : runs) {
    std::string status(store::ToString(r.status));
    Json& by_type = actions[r.type];
    if (!by_type.is_object()) by_type = Json::object();
    by_type[status] = by_type.value(status, int64_t{0}) + 1;
  }
  Json obs = CountsToJson(observations);
  for (const char* s : {"received", "stored", "assessed", "done", "failed"}) {
    if (!obs.contains(s)) obs[s] = 0;
  }
  Json ass = CountsToJson(assessments);
  for (const char* o : {"ok", "finding", "inconclusive"}) {
    if (!ass.contains(o)) ass[o] = 0;
  }
  Json img = CountsToJson(images);
  for (const char* k : {"kept", "deleted"}) {
    if (!img.contains(k)) img[k] = 0;
  }
  return Ok(
      Json{{"observations", obs}, {"assessments", ass}, {"action_runs", actions}, {"images", img}});
}

}  // namespace

void RegisterStatsRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/stats/services",
              kReaders,
              "Recognition success rates per service and label",
              "stats",
              {},
              "",
              "",
              "ServiceStatsList",
              200},
             [ctx](const ApiRequest& r) { return ServiceStats(ctx, r); });
  router.Add({"GET",
              "/api/v1/stats/tasks",
              kReaders,
              "Inspector feedback and satisfaction (1-5) per task",
              "stats",
              {},
              "",
              "",
              "TaskStatsList",
              200},
             [ctx](const ApiRequest& r) { return TaskStats(ctx, r); });
  router.Add({"GET",
              "/api/v1/summary",
              kReaders,
              "Counts: observations by state, assessments by outcome, action runs by type and "
              "status, images kept and deleted",
              "stats",
              {},
              "",
              "",
              "Summary",
              200},
             [ctx](const ApiRequest& r) { return Summary(ctx, r); });
}

}  // namespace tilsyn::server
