// GET /api/v1/evaluation and /api/v1/evaluation.csv: the pilot's figures per period and
// department (server/evaluation.h). Aggregates only — no image, position or person — so every
// reader may ask; an inspector with units sees their units' tasks.
#include "server/evaluation.h"

#include "core/time_format.h"
#include "server/api/api.h"
#include "server/api/api_util.h"

namespace tilsyn::server {
namespace {

constexpr int64_t kDayMs = 86'400'000;

Result<TimeMs> TimeParam(const ApiRequest& req, const std::string& name, TimeMs fallback) {
  TILSYN_ASSIGN_OR_RETURN(std::optional<TimeMs> t, QueryTime(req.http, name));
  return t.value_or(fallback);
}

Result<EvaluationInput> Gather(const ApiContext& ctx, const ApiRequest& req) {
  EvaluationInput in;
  in.now_ms = ctx.clock->NowMs();
  TILSYN_ASSIGN_OR_RETURN(in.to_ms, TimeParam(req, "to", in.now_ms));
  TILSYN_ASSIGN_OR_RETURN(in.from_ms, TimeParam(req, "from", in.to_ms - 30 * kDayMs));
  if (in.to_ms <= in.from_ms) return Status::InvalidArgument("must be after `from`", "to");
  in.depot = ctx.pilot_depot;
  if (std::optional<std::string> d = QueryString(req.http, "depot")) {
    TILSYN_ASSIGN_OR_RETURN(geo::LatLon p, ParseLatLonText(*d, "depot"));
    in.depot = p;
  }
  store::TaskFilter f;
  f.limit = 0;  // all
  f.unit = QueryString(req.http, "unit");
  f.visible_units = VisibleUnits(req);
  TILSYN_ASSIGN_OR_RETURN(in.tasks, ctx.store->ListTasks(f));
  TILSYN_ASSIGN_OR_RETURN(in.assessments, ctx.store->EvaluationAssessments(in.from_ms, in.to_ms));
  TILSYN_ASSIGN_OR_RETURN(in.images, ctx.store->EvaluationImages(in.from_ms, in.to_ms));
  return in;
}

Result<net::HttpResponse> Report(const ApiContext& ctx, const ApiRequest& req, bool csv) {
  TILSYN_ASSIGN_OR_RETURN(EvaluationInput in, Gather(ctx, req));
  const std::vector<UnitEvaluation> units = Evaluate(in);
  if (!csv) return Ok(EvaluationToJson(in, units));
  net::HttpResponse r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = EvaluationToCsv(units);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"evaluation-" +
                                                    FormatIso8601(in.from_ms).substr(0, 10) + "-" +
                                                    FormatIso8601(in.to_ms).substr(0, 10) +
                                                    ".csv\"");
  return r;
}

}  // namespace

void RegisterEvaluationRoutes(Router& router, const ApiContext& ctx) {
  const std::vector<std::string> query = {"from", "to", "unit", "depot"};
  router.Add({"GET", "/api/v1/evaluation", kReaders,
              "The pilot's evaluation per period and department: each figure with how it is "
              "computed (default: the last 30 days)",
              "stats", query, "", "application/json", "", 200},
             [ctx](const ApiRequest& r) { return Report(ctx, r, false); });
  router.Add({"GET", "/api/v1/evaluation.csv", kReaders,
              "The same as CSV: unit, figure, value, measure, how", "stats", query, "",
              "application/json", "", 200},
             [ctx](const ApiRequest& r) { return Report(ctx, r, true); });
}

}  // namespace tilsyn::server
