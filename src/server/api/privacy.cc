// The DPO's side of the API (docs/privacy.md): reading an observation's image for a stated
// purpose (audited as image.view or image.export, invariant 5), the audit trail and its
// verification, and the processing record.
#include "core/time_format.h"
#include "imaging/thumbnail.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"
#include "server/privacy_cli.h"
#include "server/record_facts.h"
#include "store/audit_chain.h"

namespace tilsyn::server {
namespace {

const std::vector<store::Role> kDpoAdmin = {store::Role::kAdmin, store::Role::kDpo};

Result<net::HttpResponse> GetImage(const ApiContext& ctx, const ApiRequest& req) {
  const std::string& id = req.Param("id");
  TILSYN_ASSIGN_OR_RETURN(const std::string purpose, RequiredPurpose(req.http, "open this image"));
  std::optional<std::string> disposition = QueryString(req.http, "disposition");
  if (disposition && *disposition != "inline" && *disposition != "attachment") {
    return Status::InvalidArgument("must be inline or attachment", "disposition");
  }
  const bool is_export = disposition && *disposition == "attachment";
  // A thumbnail for a list is still a view of the image: the same purpose and audit.
  std::optional<int64_t> width;
  if (QueryString(req.http, "width")) {
    TILSYN_ASSIGN_OR_RETURN(width, QueryInt(req.http, "width", 0, 16, 1600));
  }

  TILSYN_ASSIGN_OR_RETURN(KeptImage kept, LoadKeptImage(ctx, req, id));
  const store::Observation* obs = &kept.obs;
  std::string& jpeg = kept.jpeg;
  // Audit first: no record, no image.
  Json details = {{"task_id", obs->task_id}, {"blob_key", obs->blob_key}};
  if (width) details["width"] = *width;
  TILSYN_RETURN_IF_ERROR(
      ctx.store
          ->AppendAudit(RequestAudit(ctx, req, is_export ? "image.export" : "image.view", "image",
                                     id, purpose, details))
          .status());
  net::HttpResponse r;
  r.content_type = "image/jpeg";
  if (width) {
    TILSYN_ASSIGN_OR_RETURN(r.body, imaging::Thumbnail(jpeg, static_cast<int>(*width)));
  } else {
    r.body = std::move(jpeg);
  }
  r.headers.emplace_back("Cache-Control", "no-store");
  if (is_export) {
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + id + ".jpg\"");
  }
  return r;
}

Result<net::HttpResponse> ListAudit(const ApiContext& ctx, const ApiRequest& req) {
  store::AuditFilter f;
  f.action = QueryString(req.http, "action");
  f.user = QueryString(req.http, "user");
  f.object_id = QueryString(req.http, "object_id");
  TILSYN_ASSIGN_OR_RETURN(f.from_ms, QueryTime(req.http, "from"));
  TILSYN_ASSIGN_OR_RETURN(f.to_ms, QueryTime(req.http, "to"));
  TILSYN_ASSIGN_OR_RETURN(f.after_seq, QueryInt(req.http, "after_seq", 0, 0, INT64_MAX));
  TILSYN_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req.http, "limit", 100, 1, 1000));
  f.limit = static_cast<int>(limit);
  std::optional<std::string> order = QueryString(req.http, "order");
  if (order && *order != "oldest" && *order != "newest") {
    return Status::InvalidArgument("must be oldest or newest", "order");
  }
  f.newest_first = order && *order == "newest";
  TILSYN_ASSIGN_OR_RETURN(auto events, ctx.store->ListAudit(f));
  Json out = Json::array();
  for (const auto& e : events) out.push_back(store::AuditEventToJson(e));
  return Ok(Json{{"events", out}});
}

Result<net::HttpResponse> VerifyAudit(const ApiContext& ctx, const ApiRequest&) {
  TILSYN_ASSIGN_OR_RETURN(auto events, ctx.store->ListAudit({}));
  return Ok(store::AuditVerificationToJson(store::VerifyAuditChain(events)));
}

Result<net::HttpResponse> GetProcessingRecord(const ApiContext& ctx, const ApiRequest&) {
  TILSYN_ASSIGN_OR_RETURN(auto rec, ctx.store->ProcessingRecord());
  Json out = ProcessingRecordToJson(rec);
  // The drivers' location data (docs/privacy.md): how long it is kept; 0 = not erased.
  out["location_data"] = {{"observation_location_days", ctx.location_retention_days},
                          {"gps_history_days", ctx.gps_history_days}};
  TILSYN_ASSIGN_OR_RETURN(std::optional<store::VersionedDocument> facts,
                          ctx.store->CurrentRecordFacts());
  const Json stated =
      facts ? Json::parse(facts->json, nullptr, /*allow_exceptions=*/false) : Json(nullptr);
  out["facts"] = RecordFactsWithDefaults(stated);
  out["facts_defaulted"] = DefaultedFactPaths(stated);
  out["facts_version"] = facts ? facts->version : 0;
  out["facts_updated_by"] = facts ? Json(facts->created_by) : Json(nullptr);
  out["facts_updated_at"] = facts ? Json(FormatIso8601(facts->created_ms)) : Json(nullptr);
  return Ok(out);
}

// PUT /api/v1/processing-record/facts: a new version of what the DPO states, audited with it.
Result<net::HttpResponse> PutRecordFacts(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  TILSYN_ASSIGN_OR_RETURN(Json facts, ValidateRecordFacts(body));
  store::VersionedDocument doc{0, facts.dump(), ctx.clock->NowMs(),
                               req.principal ? req.principal->subject : ""};
  int64_t version = 0;
  TILSYN_RETURN_IF_ERROR(ctx.store->WithAudit(
      RequestAudit(ctx, req, "record.change", "processing_record", "facts", "", {{"facts", facts}}),
      [&](store::Store& s) -> Status {
        TILSYN_ASSIGN_OR_RETURN(version, s.PutRecordFacts(doc));
        return Status::Ok();
      }));
  return Ok({{"facts", RecordFactsWithDefaults(facts)},
             {"facts_defaulted", DefaultedFactPaths(facts)},
             {"facts_version", version}});
}

}  // namespace

void RegisterPrivacyRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/observations/{id}/image",
              {store::Role::kAdmin, store::Role::kInspector, store::Role::kDpo},
              "The observation's (anonymized) image as JPEG (width=16..1600: scaled down for a "
              "list); `purpose` is required and the view is audited (image.view, or "
              "image.export with disposition=attachment)",
              "privacy",
              {"purpose", "disposition", "width"},
              "",
              "",
              "",
              200},
             [ctx](const ApiRequest& r) { return GetImage(ctx, r); });
  router.Add({"GET",
              "/api/v1/audit",
              kDpoAdmin,
              "The audit trail in seq order (order=newest: the newest first)",
              "privacy",
              {"action", "user", "object_id", "from", "to", "after_seq", "limit", "order"},
              "",
              "",
              "",
              200},
             [ctx](const ApiRequest& r) { return ListAudit(ctx, r); });
  router.Add({"POST",
              "/api/v1/audit/verify",
              kDpoAdmin,
              "Verify the audit trail's hash chain",
              "privacy",
              {},
              "",
              "",
              "",
              200},
             [ctx](const ApiRequest& r) { return VerifyAudit(ctx, r); });
  router.Add({"GET",
              "/api/v1/processing-record",
              kDpoAdmin,
              "The processing record per purpose (task kind)",
              "privacy",
              {},
              "",
              "",
              "",
              200},
             [ctx](const ApiRequest& r) { return GetProcessingRecord(ctx, r); });
  router.Add({"PUT",
              "/api/v1/processing-record/facts",
              kDpoAdmin,
              "State the processing record's facts the system cannot know (controller, legal "
              "basis, recipients, processors, transfers); a new version, audited",
              "privacy",
              {},
              "RecordFacts",
              "application/json",
              "",
              200},
             [ctx](const ApiRequest& r) { return PutRecordFacts(ctx, r); });
}

}  // namespace tilsyn::server
