// /api/v1/observations: the vehicle upload (multipart: `metadata` JSON + `image` JPEG) handed to
// pipeline::Ingest, and reading one observation back. The vehicle is the token's subject, never
// a field of the upload.
#include "imaging/jpeg.h"
#include "net/multipart.h"
#include "pipeline/ingest.h"
#include "pipeline/pipeline.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"

namespace tilsyn::server {
namespace {

const net::MultipartPart* FindPart(const std::vector<net::MultipartPart>& parts,
                                   const std::string& name) {
  for (const auto& p : parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Result<net::HttpResponse> Upload(const ApiContext& ctx, const ApiRequest& req) {
  if (!ctx.ingest) return Status::Unavailable("uploads are not accepted by this server");
  // Decoding, anonymizing and storing an image costs about a second of CPU: beyond the cap the
  // vehicle is asked to come back (it keeps the observation in its outbox).
  InflightSlot slot(ctx.uploads.get());
  if (!slot.entered()) {
    net::HttpResponse busy = net::HttpResponse::Error(
        Status::ResourceExhausted("the server is busy with " + std::to_string(ctx.uploads->max()) +
                                  " uploads; try again shortly"));
    busy.headers.emplace_back("Retry-After", "1");
    return busy;
  }
  const std::string vehicle_id = req.principal ? req.principal->subject : "";
  Result<store::Vehicle> vehicle = ctx.store->GetVehicle(vehicle_id);
  if (!vehicle.ok()) {
    if (vehicle.status().code() == Code::kNotFound) {
      return Status::PermissionDenied("the token's vehicle is not registered");
    }
    return vehicle.status();
  }

  TILSYN_ASSIGN_OR_RETURN(auto parts,
                          net::ParseMultipart(req.http.body, req.http.Header("content-type")));
  const net::MultipartPart* meta_part = FindPart(parts, "metadata");
  if (!meta_part) return Status::InvalidArgument("multipart part is missing", "metadata");
  const net::MultipartPart* image_part = FindPart(parts, "image");
  if (!image_part) return Status::InvalidArgument("multipart part is missing", "image");

  Result<Json> meta = ParseJson(meta_part->data);
  if (!meta.ok()) return meta.status().WithField("metadata");
  if (!meta->is_object()) return Status::InvalidArgument("must be a JSON object", "metadata");
  if (!imaging::LooksLikeJpeg(image_part->data)) {
    return Status::UnsupportedMedia("the image must be a JPEG", "image");
  }

  TILSYN_ASSIGN_OR_RETURN(pipeline::IngestResult res,
                          ctx.ingest->Accept(vehicle_id, *meta, image_part->data));
  if (res.created) {
    // Best effort: the last position is informational.
    (void)ctx.store->UpdateVehiclePosition(vehicle_id, res.observation.lat, res.observation.lon,
                                           res.observation.captured_ms);
    if (ctx.notify) ctx.notify();
  }
  Json body = {{"id", res.observation.id},
               {"state", std::string(store::ToString(res.observation.state))},
               {"created", res.created}};
  net::HttpResponse r = net::HttpResponse::JsonBody(res.created ? 201 : 200, body);
  r.headers.emplace_back("Location", "/api/v1/observations/" + res.observation.id);
  return r;
}

Result<net::HttpResponse> GetObservation(const ApiContext& ctx, const ApiRequest& req) {
  const std::string& id = req.Param("id");
  TILSYN_ASSIGN_OR_RETURN(store::Observation obs, FindObservation(ctx, req, id));
  Json j = ObservationToJson(obs);
  Result<store::AssessmentRecord> a = ctx.store->GetAssessmentForObservation(id);
  j["assessment_id"] = a.ok() ? Json(a->id) : Json(nullptr);
  return Ok(j);
}

// An operator's decision: a failed observation goes back into the pipeline (audited).
Result<net::HttpResponse> RetryObservation(const ApiContext& ctx, const ApiRequest& req) {
  const std::string& id = req.Param("id");
  Status st = ctx.store->WithAudit(
      RequestAudit(ctx, req, "observation.retry", "observation", id),
      [&](store::Store& s) { return pipeline::RetryFailedObservation(&s, id, ctx.clock); });
  if (st.code() == Code::kNotFound) return Status::NotFound("no observation " + id, "id");
  TILSYN_RETURN_IF_ERROR(st);
  if (ctx.notify) ctx.notify();
  return GetObservation(ctx, req);
}

}  // namespace

void RegisterObservationRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"POST",
              "/api/v1/observations",
              kVehicleOnly,
              "Upload an observation: multipart parts `metadata` (JSON) and `image` (JPEG); 201 "
              "when created, 200 for a repeat",
              "observations",
              {},
              "ObservationUpload",
              "multipart/form-data",
              "ObservationAccepted",
              201},
             [ctx](const ApiRequest& r) { return Upload(ctx, r); });
  router.Add({"GET",
              "/api/v1/observations/{id}",
              kAdminInspector,
              "Get an observation",
              "observations",
              {},
              "",
              "",
              "Observation",
              200},
             [ctx](const ApiRequest& r) { return GetObservation(ctx, r); });
  router.Add({"POST",
              "/api/v1/observations/{id}/retry",
              {store::Role::kAdmin},
              "Put a failed observation back into the pipeline (audited)",
              "observations",
              {},
              "",
              "",
              "Observation",
              200},
             [ctx](const ApiRequest& r) { return RetryObservation(ctx, r); });
}

}  // namespace tilsyn::server
