// GET /api/v1/exports/findings.geojson and .csv: findings (or every outcome) with their place,
// capture time and task, filtered by task, outcome and capture period, as a download for GIS or
// a spreadsheet (server/findings_export.h); GET /api/v1/exports/counts.geojson and .csv: the
// count series of count tasks, per street side (server/counts_export.h). Every export is an
// audit event.
#include "core/time_format.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"
#include "server/counts_export.h"
#include "server/findings_export.h"

namespace tilsyn::server {
namespace {

Result<FindingsFilter> ParseFilter(const net::HttpRequest& req) {
  FindingsFilter f;
  f.task_id = QueryString(req, "task_id");
  if (auto o = QueryString(req, "outcome")) f.outcome = *o;
  TILSYN_ASSIGN_OR_RETURN(f.from_ms, QueryTime(req, "from"));
  TILSYN_ASSIGN_OR_RETURN(f.to_ms, QueryTime(req, "to"));
  TILSYN_RETURN_IF_ERROR(ValidateFindingsFilter(f));
  return f;
}

// The download of export `what` ("findings" or "counts"), audited as <what>.export.
Result<net::HttpResponse> Download(const ApiContext& ctx, const ApiRequest& req,
                                   const std::string& what, const FindingsFilter& f, bool geojson,
                                   const Json& geo, const std::string& csv, int count) {
  const std::string file = what + (geojson ? ".geojson" : ".csv");
  Json details = {{"format", geojson ? "geojson" : "csv"}, {"count", count}};
  if (what == "findings") details["outcome"] = f.outcome;
  if (f.task_id) details["task_id"] = *f.task_id;
  TILSYN_RETURN_IF_ERROR(ctx.store
                             ->AppendAudit(RequestAudit(ctx, req, what + ".export", "export", file,
                                                        "export of " + what, details))
                             .status());
  net::HttpResponse r;
  r.content_type = geojson ? "application/geo+json" : "text/csv; charset=utf-8";
  r.body = geojson ? geo.dump() : csv;
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file + "\"");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Result<net::HttpResponse> Export(const ApiContext& ctx, const ApiRequest& req, bool geojson) {
  TILSYN_ASSIGN_OR_RETURN(FindingsFilter f, ParseFilter(req.http));
  f.visible_units = VisibleUnits(req);
  TILSYN_ASSIGN_OR_RETURN(FindingsExport e, ExportFindings(*ctx.store, f));
  return Download(ctx, req, "findings", f, geojson, e.geojson, e.csv, e.count);
}

Result<net::HttpResponse> Counts(const ApiContext& ctx, const ApiRequest& req, bool geojson) {
  TILSYN_ASSIGN_OR_RETURN(FindingsFilter f, ParseFilter(req.http));
  f.visible_units = VisibleUnits(req);
  TILSYN_ASSIGN_OR_RETURN(CountsExport e, ExportCounts(*ctx.store, f));
  return Download(ctx, req, "counts", f, geojson, e.geojson, e.csv, e.count);
}

}  // namespace

void RegisterExportRoutes(Router& router, const ApiContext& ctx) {
  const std::vector<store::Role> readers = {store::Role::kAdmin, store::Role::kInspector,
                                            store::Role::kDpo};
  const std::vector<std::string> query = {"task_id", "outcome", "from", "to"};
  router.Add({"GET", "/api/v1/exports/findings.geojson", readers,
              "Findings as a GeoJSON FeatureCollection (outcome=finding by default; all for every "
              "outcome); audited",
              "exports", query, "", "", "", 200},
             [ctx](const ApiRequest& r) { return Export(ctx, r, true); });
  router.Add({"GET", "/api/v1/exports/findings.csv", readers,
              "Findings as CSV, a header row and one line per assessment; audited", "exports",
              query, "", "", "", 200},
             [ctx](const ApiRequest& r) { return Export(ctx, r, false); });
  const std::vector<std::string> series = {"task_id", "from", "to"};
  router.Add({"GET", "/api/v1/exports/counts.geojson", readers,
              "The count series of count tasks (one feature per counted image, oldest first, "
              "with the count per label and per street side); audited",
              "exports", series, "", "", "", 200},
             [ctx](const ApiRequest& r) { return Counts(ctx, r, true); });
  router.Add(
      {"GET", "/api/v1/exports/counts.csv", readers,
       "The count series of count tasks as CSV; audited", "exports", series, "", "", "", 200},
      [ctx](const ApiRequest& r) { return Counts(ctx, r, false); });
}

}  // namespace tilsyn::server
