// GET /api/v1/assessments/{id}/evidence.zip: the evidence package of one assessment
// (server/evidence_package.h) for a stated purpose. It carries the kept image, so it is
// audited like an image export — first, as `evidence.export`: no record, no package.
#include "core/time_format.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"
#include "server/evidence_package.h"
#include "store/audit_chain.h"

namespace tilsyn::server {
namespace {

// The audit events of one object, oldest first (at most 10,000).
Result<Json> AuditOf(const ApiContext& ctx, const std::string& object_id) {
  store::AuditFilter f;
  f.object_id = object_id;
  f.limit = 10'000;
  TILSYN_ASSIGN_OR_RETURN(auto events, ctx.store->ListAudit(f));
  Json out = Json::array();
  for (const auto& e : events) out.push_back(store::AuditEventToJson(e));
  return out;
}

Result<net::HttpResponse> GetEvidence(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(const std::string purpose,
                          RequiredPurpose(req.http, "export this evidence"));
  TILSYN_ASSIGN_OR_RETURN(store::AssessmentRecord a, LoadAssessment(ctx, req, req.Param("id")));
  TILSYN_ASSIGN_OR_RETURN(KeptImage kept, LoadKeptImage(ctx, req, a.observation_id));
  TILSYN_ASSIGN_OR_RETURN(Json detail, AssessmentDetailJson(ctx, a));
  Json runs = detail["runs"];
  detail.erase("runs");

  // Audit first, then gather: the package's audit trail includes its own export.
  const store::AuditEvent audit =
      RequestAudit(ctx, req, "evidence.export", "assessment", a.id, purpose,
                   {{"observation_id", a.observation_id}, {"blob_key", kept.obs.blob_key}});
  TILSYN_RETURN_IF_ERROR(ctx.store->AppendAudit(audit).status());
  TILSYN_ASSIGN_OR_RETURN(Json image_events, AuditOf(ctx, a.observation_id));
  TILSYN_ASSIGN_OR_RETURN(Json assessment_events, AuditOf(ctx, a.id));

  EvidenceManifest m{a.id, audit.user, FormatIso8601(ctx.clock->NowMs()), purpose};
  TILSYN_ASSIGN_OR_RETURN(
      std::string zip,
      BuildEvidencePackage(
          m, {{"image.jpg", std::move(kept.jpeg)},
              {"assessment.json", detail.dump(2) + "\n"},
              {"observation.json", ObservationToJson(kept.obs).dump(2) + "\n"},
              {"recognition_runs.json", runs.dump(2) + "\n"},
              {"audit.json",
               Json{{"image", image_events}, {"assessment", assessment_events}}.dump(2) + "\n"}}));
  net::HttpResponse r;
  r.content_type = "application/zip";
  r.body = std::move(zip);
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"evidence-" + a.id + ".zip\"");
  return r;
}

}  // namespace

void RegisterEvidenceRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/assessments/{id}/evidence.zip",
              kReaders,
              "The evidence package of an assessment (zip: kept image, assessment, observation, "
              "recognition runs, audit events, SHA-256 manifest) for a stated purpose; audited",
              "assessments",
              {"purpose"},
              "",
              "",
              "",
              200},
             [ctx](const ApiRequest& r) { return GetEvidence(ctx, r); });
}

}  // namespace tilsyn::server
