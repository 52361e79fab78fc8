// /api/v1/tasks/{id}/reference: the image later ones of a task are compared with (before/after,
// permit check against the empty site, condition by change). Without a mark it is the task's
// first kept image; an inspector may mark a better one (the empty site on a clear day, the sign
// when it was new). Marking is audited and keeps the image for as long as the task runs: its
// deletion deadline moves to at least the task's end of validity.
#include <algorithm>

#include "core/time_format.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"

namespace tilsyn::server {
namespace {

Result<tasks::Task> LoadComparingTask(const ApiContext& ctx, const ApiRequest& req,
                                      const std::string& id) {
  Result<tasks::Task> t = LoadVisibleTask(ctx, req, id);
  TILSYN_RETURN_IF_ERROR(t.status());
  if (!tasks::ComparesWithReference(*t)) {
    return Status::InvalidArgument(
        "a " + std::string(tasks::ToString(t->kind)) +
            " task does not compare with a reference image (before_after, permit_check, or "
            "condition with the target 'change' do)",
        "id");
  }
  return t;
}

// {task_id, observation_id, source: marked|first|none, marked_by?, marked_at?}
Result<Json> ReferenceJson(const ApiContext& ctx, const std::string& task_id) {
  TILSYN_ASSIGN_OR_RETURN(auto ref, ctx.store->ReferenceObservation(task_id, ""));
  TILSYN_ASSIGN_OR_RETURN(auto mark, ctx.store->MarkedReference(task_id));
  Json j = {{"task_id", task_id}, {"observation_id", nullptr}, {"source", "none"}};
  if (!ref) return j;
  j["observation_id"] = ref->id;
  j["captured_at"] = FormatIso8601(ref->captured_ms);
  if (mark && mark->observation_id == ref->id) {
    j["source"] = "marked";
    j["marked_by"] = mark->marked_by;
    j["marked_at"] = FormatIso8601(mark->marked_ms);
  } else {
    j["source"] = "first";
  }
  return j;
}

Result<net::HttpResponse> GetReference(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(tasks::Task task, LoadComparingTask(ctx, req, req.Param("id")));
  TILSYN_ASSIGN_OR_RETURN(Json j, ReferenceJson(ctx, task.id));
  return Ok(j);
}

Result<net::HttpResponse> PutReference(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  TILSYN_ASSIGN_OR_RETURN(tasks::Task task, LoadComparingTask(ctx, req, req.Param("id")));
  TILSYN_ASSIGN_OR_RETURN(std::string obs_id, GetString(body, "observation_id", "observation_id"));
  Result<store::Observation> obs = ctx.store->GetObservation(obs_id);
  if (!obs.ok() && obs.status().code() == Code::kNotFound) {
    return Status::NotFound("no observation " + obs_id, "observation_id");
  }
  TILSYN_RETURN_IF_ERROR(obs.status());
  if (obs->task_id != task.id) {
    return Status::InvalidArgument("the observation belongs to another task", "observation_id");
  }
  if (obs->blob_key.empty()) {
    return Status::FailedPrecondition("the observation's image was deleted", "observation_id");
  }
  if (obs->state != store::ObservationState::kAssessed &&
      obs->state != store::ObservationState::kDone) {
    return Status::FailedPrecondition("the observation is not assessed yet", "observation_id");
  }
  TILSYN_ASSIGN_OR_RETURN(store::BlobRecord blob, ctx.store->GetBlob(obs->blob_key));
  const TimeMs now = ctx.clock->NowMs();
  // The reference serves the task while it runs: keep it at least until the task's end.
  const TimeMs keep_until = std::max(blob.delete_after_ms.value_or(0), task.schedule.valid_to);
  store::ReferenceMark mark{task.id, obs->id, req.principal ? req.principal->subject : "", now};
  TILSYN_RETURN_IF_ERROR(ctx.store->WithAudit(
      RequestAudit(ctx, req, "task.reference", "task", task.id, "",
                   {{"observation_id", obs->id}, {"keep_until", FormatIso8601(keep_until)}}),
      [&](store::Store& s) {
        TILSYN_RETURN_IF_ERROR(s.MarkReference(mark));
        return s.SetBlobDeadline(obs->blob_key, keep_until);
      }));
  TILSYN_ASSIGN_OR_RETURN(Json j, ReferenceJson(ctx, task.id));
  return Ok(j);
}

}  // namespace

void RegisterReferenceRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/tasks/{id}/reference",
              kReaders,
              "The image a task's later images are compared with (marked by an inspector, or "
              "the first kept)",
              "tasks",
              {},
              "",
              "",
              "Reference",
              200},
             [ctx](const ApiRequest& r) { return GetReference(ctx, r); });
  router.Add({"PUT",
              "/api/v1/tasks/{id}/reference",
              kAdminInspector,
              "Mark a kept, assessed image of the task as its reference (audited; the image is "
              "kept until the task ends)",
              "tasks",
              {},
              "ReferencePut",
              "application/json",
              "Reference",
              200},
             [ctx](const ApiRequest& r) { return PutReference(ctx, r); });
}

}  // namespace tilsyn::server
