// GET /api/v1/retention: the DPO's retention queue — every image still kept, the soonest
// deletion deadline first, with why it is kept: a finding, a reference image, documentation the
// task asked for, an inconclusive image kept for review, an upload still waiting to be assessed,
// or a legal hold (which stops the deadline).
#include <map>

#include "core/time_format.h"
#include "server/api/api.h"
#include "server/api/api_util.h"

namespace tilsyn::server {
namespace {

const std::vector<store::Role> kAdminDpo = {store::Role::kAdmin, store::Role::kDpo};

// Why `obs` of `task` is still kept (see the file comment).
Result<std::string> Reason(const ApiContext& ctx, const tasks::Task& task, const store::Observation& obs,
                           const std::optional<store::ReferenceMark>& mark) {
  if (task.retention.legal_hold) return std::string("legal_hold");
  if (obs.state == store::ObservationState::kReceived ||
      obs.state == store::ObservationState::kStored || obs.state == store::ObservationState::kFailed) {
    return std::string("awaiting_assessment");
  }
  if (mark && mark->observation_id == obs.id) return std::string("marked_reference");
  Result<store::AssessmentRecord> a = ctx.store->GetAssessmentForObservation(obs.id);
  if (!a.ok() && a.status().code() == Code::kNotFound) return std::string("awaiting_assessment");
  TILSYN_RETURN_IF_ERROR(a.status());
  if (a->outcome == "finding") return std::string("finding");
  if (tasks::ComparesWithReference(task)) return std::string("reference");
  if (task.retention.keep_non_findings) return std::string("documentation");
  if (a->outcome == "inconclusive") return std::string("inconclusive_review");
  return std::string("documentation");
}

Result<net::HttpResponse> ListRetention(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req.http, "limit", 500, 1, 5000));
  TILSYN_ASSIGN_OR_RETURN(auto blobs, ctx.store->KeptBlobs(static_cast<int>(limit)));
  std::map<std::string, std::optional<tasks::Task>> tasks;
  std::map<std::string, std::optional<store::ReferenceMark>> marks;
  Json out = Json::array();
  for (const store::BlobRecord& b : blobs) {
    auto [it, fresh] = tasks.try_emplace(b.task_id);
    if (fresh) {
      Result<tasks::Task> t = ctx.store->GetTask(b.task_id);
      if (t.ok()) it->second = std::move(*t);
      TILSYN_ASSIGN_OR_RETURN(marks[b.task_id], ctx.store->MarkedReference(b.task_id));
    }
    Result<store::Observation> obs = ctx.store->GetObservation(b.observation_id);
    if (!it->second || !obs.ok()) continue;  // a record of a removed task or observation
    TILSYN_ASSIGN_OR_RETURN(std::string reason, Reason(ctx, *it->second, *obs, marks[b.task_id]));
    Json row = {{"observation_id", b.observation_id},
                {"task_id", b.task_id},
                {"task_title", it->second->title},
                {"captured_at", FormatIso8601(obs->captured_ms)},
                {"stored_at", FormatIso8601(b.created_ms)},
                {"reason", reason},
                {"legal_hold", it->second->retention.legal_hold},
                {"delete_after", nullptr}};
    if (b.delete_after_ms) row["delete_after"] = FormatIso8601(*b.delete_after_ms);
    out.push_back(std::move(row));
  }
  return Ok(Json{{"images", out}});
}

}  // namespace

void RegisterRetentionRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/retention",
              kAdminDpo,
              "Every kept image with its deletion deadline and why it is kept (the DPO's "
              "retention queue)",
              "privacy",
              {"limit"},
              "",
              "",
              "RetentionQueue",
              200},
             [ctx](const ApiRequest& r) { return ListRetention(ctx, r); });
}

}  // namespace tilsyn::server
