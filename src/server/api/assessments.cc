// /api/v1/assessments (list, get with recognition runs and action runs, inspector feedback) and
// /api/v1/action-runs.
#include "actions/action.h"
#include "core/time_format.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"
#include "tasks/task.h"

namespace tilsyn::server {

Result<store::AssessmentRecord> LoadAssessment(const ApiContext& ctx, const ApiRequest& req,
                                               const std::string& id) {
  Result<store::AssessmentRecord> a = ctx.store->GetAssessment(id);
  if (!a.ok() && a.status().code() == Code::kNotFound) {
    return Status::NotFound("no assessment " + id, "id");
  }
  TILSYN_RETURN_IF_ERROR(a.status());
  if (!VisibleUnits(req).empty() && !LoadVisibleTask(ctx, req, a->task_id).ok()) {
    return Status::NotFound("no assessment " + id, "id");
  }
  return a;
}

namespace {

Result<net::HttpResponse> ListAssessments(const ApiContext& ctx, const ApiRequest& req) {
  store::AssessmentFilter f;
  f.task_id = QueryString(req.http, "task_id");
  f.outcome = QueryString(req.http, "outcome");
  if (f.outcome && !tasks::ParseOutcome(*f.outcome)) {
    return Status::InvalidArgument("outcome must be ok, finding or inconclusive", "outcome");
  }
  TILSYN_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req.http, "limit", 100, 1, 1000));
  TILSYN_ASSIGN_OR_RETURN(int64_t offset, QueryInt(req.http, "offset", 0, 0, 1'000'000'000));
  f.limit = static_cast<int>(limit);
  f.offset = static_cast<int>(offset);
  // Case status, text, capture time and place narrow the newest 10,000 in memory, then page.
  const auto status = QueryString(req.http, "status");
  const auto q = QueryString(req.http, "q");
  if (status && *status != "open" && *status != "in_progress" && *status != "handled" &&
      *status != "dismissed") {
    return Status::InvalidArgument("must be open, in_progress, handled or dismissed", "status");
  }
  TILSYN_ASSIGN_OR_RETURN(std::optional<TimeMs> from, QueryTime(req.http, "from"));
  TILSYN_ASSIGN_OR_RETURN(std::optional<TimeMs> to, QueryTime(req.http, "to"));
  if (from && to && *to <= *from) return Status::InvalidArgument("must be after `from`", "to");
  TILSYN_ASSIGN_OR_RETURN(std::optional<geo::BBox> bbox, QueryBbox(req.http));
  // Filters applied here, not in the store, page here too.
  const bool scoped = !VisibleUnits(req).empty();
  const bool filtered = status || q || scoped || from || to || bbox;
  if (filtered) {
    f.limit = 10'000;
    f.offset = 0;
  } else {
    f.limit += 1;  // one more says whether a next page exists
  }
  std::map<std::string, bool> visible;  // task id -> in the caller's units
  TILSYN_ASSIGN_OR_RETURN(auto list, ctx.store->ListAssessments(f));
  TILSYN_ASSIGN_OR_RETURN(auto statuses, ctx.store->cases().CaseStatuses());
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::map<std::string, std::string> titles;
  Json out = Json::array();
  int skipped = 0;
  bool more = false;
  for (const auto& a : list) {
    auto st = statuses.find(a.id);
    const std::string case_status = st == statuses.end() ? "open" : st->second;
    if (status && case_status != *status) continue;
    if (scoped) {
      auto [it, fresh] = visible.try_emplace(a.task_id, false);
      if (fresh) it->second = LoadVisibleTask(ctx, req, a.task_id).ok();
      if (!it->second) continue;
    }
    if (q) {
      if (!titles.count(a.task_id)) {
        Result<tasks::Task> t = ctx.store->GetTask(a.task_id);
        titles[a.task_id] = t.ok() ? t->title : "";
      }
      std::string hay = lower(a.reason + " " + titles[a.task_id]);
      if (hay.find(lower(*q)) == std::string::npos) {
        TILSYN_ASSIGN_OR_RETURN(auto events, ctx.store->cases().CaseEvents(a.id));
        bool in_notes = false;
        for (const auto& e : events)
          in_notes = in_notes || lower(e.note).find(lower(*q)) != std::string::npos;
        if (!in_notes) continue;
      }
    }
    // The observation is read for the place and time filters, and for the items returned.
    std::optional<Result<store::Observation>> obs;
    if (from || to || bbox) {
      obs = ctx.store->GetObservation(a.observation_id);
      if (!obs->ok()) continue;
      const store::Observation& o = **obs;
      if ((from && o.captured_ms < *from) || (to && o.captured_ms >= *to)) continue;
      // An erased position is in no area.
      if (bbox && (o.location_erased_ms || !bbox->Contains({o.lat, o.lon}))) continue;
    }
    if (filtered && skipped < offset) {
      ++skipped;
      continue;
    }
    if (static_cast<int64_t>(out.size()) >= limit) {
      more = true;
      break;
    }
    Json j = AssessmentToJson(a);
    j["case_status"] = case_status;
    if (!obs) obs = ctx.store->GetObservation(a.observation_id);
    // The capture time, which is what "when" means to an inspector (created_at is when it was
    // processed), and the place.
    if (obs->ok()) {
      const store::Observation& o = **obs;
      j["captured_at"] = FormatIso8601(o.captured_ms);
      const bool placed = !o.location_erased_ms;
      j["lat"] = placed ? Json(o.lat) : Json(nullptr);
      j["lon"] = placed ? Json(o.lon) : Json(nullptr);
      j["has_image"] = !o.blob_key.empty();
    }
    out.push_back(j);
  }
  Json body{{"assessments", out}};
  body["next_offset"] = more ? Json(offset + limit) : Json(nullptr);
  return Ok(body);
}

Result<net::HttpResponse> GetAssessment(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(auto a, LoadAssessment(ctx, req, req.Param("id")));
  TILSYN_ASSIGN_OR_RETURN(Json j, AssessmentDetailJson(ctx, a));
  return Ok(j);
}

}  // namespace

Result<Json> AssessmentDetailJson(const ApiContext& ctx, const store::AssessmentRecord& a) {
  TILSYN_ASSIGN_OR_RETURN(auto runs, ctx.store->RunsForObservation(a.observation_id));
  TILSYN_ASSIGN_OR_RETURN(auto actions, ctx.store->ListActionRuns(a.id, 1000));
  Json j = AssessmentToJson(a);
  j["runs"] = Json::array();
  for (const auto& r : runs) j["runs"].push_back(RunToJson(r));
  j["actions"] = Json::array();
  for (const auto& r : actions) j["actions"].push_back(ActionRunToJson(r));
  TILSYN_ASSIGN_OR_RETURN(auto events, ctx.store->cases().CaseEvents(a.id));
  j["case"] = CaseToJson(store::FoldCase(std::move(events)));
  // Before/after: the image this one was compared with, so reviewers see the pair side by side
  // (assessments from before that was recorded: the task's reference now).
  if (!a.reference_observation_id.empty()) {
    j["reference_observation_id"] = a.reference_observation_id;
  } else {
    TILSYN_ASSIGN_OR_RETURN(tasks::Task task, ctx.store->GetTask(a.task_id));
    if (tasks::ComparesWithReference(task)) {
      TILSYN_ASSIGN_OR_RETURN(auto ref,
                              ctx.store->ReferenceObservation(a.task_id, a.observation_id));
      if (ref) j["reference_observation_id"] = ref->id;
    }
  }
  return j;
}

namespace {

Result<net::HttpResponse> PostFeedback(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  TILSYN_ASSIGN_OR_RETURN(std::string verdict, GetString(body, "verdict", "verdict"));
  if (verdict != "correct" && verdict != "wrong" && verdict != "corrected") {
    return Status::InvalidArgument("verdict must be correct, wrong or corrected", "verdict");
  }
  TILSYN_ASSIGN_OR_RETURN(auto label, GetOptString(body, "corrected_label", "corrected_label"));
  if (verdict == "corrected" && (!label || label->empty())) {
    return Status::InvalidArgument("required when verdict is corrected", "corrected_label");
  }
  if (label && label->size() > 64) {
    return Status::InvalidArgument("must be at most 64 characters", "corrected_label");
  }
  // Found from outside: a label typed with the verdict "wrong" was thrown away. It is kept now
  // (what the object really was); with "correct" it contradicts the verdict and is refused.
  if (verdict == "correct" && label && !label->empty()) {
    return Status::InvalidArgument("a correct result needs no corrected label", "corrected_label");
  }
  TILSYN_ASSIGN_OR_RETURN(auto satisfaction, GetOptInt(body, "satisfaction", "satisfaction"));
  if (satisfaction && (*satisfaction < 1 || *satisfaction > 5)) {
    return Status::InvalidArgument("must be 1..5", "satisfaction");
  }
  TILSYN_ASSIGN_OR_RETURN(auto a, LoadAssessment(ctx, req, req.Param("id")));
  a.feedback = verdict;
  a.corrected_label = verdict == "correct" ? "" : label.value_or("");
  a.satisfaction =
      satisfaction ? std::optional<int>(static_cast<int>(*satisfaction)) : std::nullopt;
  a.feedback_by = req.principal ? req.principal->subject : "";
  TILSYN_RETURN_IF_ERROR(ctx.store->WithAudit(
      RequestAudit(ctx, req, "feedback", "assessment", a.id, "",
                   {{"verdict", a.feedback}, {"observation_id", a.observation_id}}),
      [&](store::Store& s) { return s.UpdateAssessmentFeedback(a); }));
  return Ok(AssessmentToJson(a));
}

Result<net::HttpResponse> ListActionRuns(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req.http, "limit", 100, 1, 1000));
  TILSYN_ASSIGN_OR_RETURN(
      auto runs,
      ctx.store->ListActionRuns(QueryString(req.http, "assessment_id"), static_cast<int>(limit)));
  Json out = Json::array();
  const bool scoped = !VisibleUnits(req).empty();
  std::map<std::string, bool> visible;  // task id -> in the caller's units
  for (const auto& r : runs) {
    if (scoped) {
      auto [it, fresh] = visible.try_emplace(r.task_id, false);
      if (fresh) it->second = LoadVisibleTask(ctx, req, r.task_id).ok();
      if (!it->second) continue;
    }
    out.push_back(ActionRunToJson(r));
  }
  return Ok(Json{{"action_runs", out}});
}

// An operator's decision: a failed action run is delivered again (audited).
Result<net::HttpResponse> RetryActionRun(const ApiContext& ctx, const ApiRequest& req) {
  const std::string& id = req.Param("id");
  TILSYN_RETURN_IF_ERROR(ctx.store->WithAudit(
      RequestAudit(ctx, req, "action_run.retry", "action_run", id),
      [&](store::Store& s) { return actions::RetryFailedActionRun(&s, id, ctx.clock->NowMs()); }));
  if (ctx.notify) ctx.notify();
  TILSYN_ASSIGN_OR_RETURN(store::ActionRunRecord run, ctx.store->GetActionRun(id));
  return Ok(ActionRunToJson(run));
}

}  // namespace

void RegisterAssessmentRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/assessments",
              kReaders,
              "List assessments, the newest first, with capture time and place; filters: task_id, "
              "outcome, status (case), q (text), from/to (capture time), bbox; next_offset pages",
              "assessments",
              {"task_id", "outcome", "status", "q", "from", "to", "bbox", "limit", "offset"},
              "",
              "",
              "AssessmentList",
              200},
             [ctx](const ApiRequest& r) { return ListAssessments(ctx, r); });
  router.Add({"GET",
              "/api/v1/assessments/{id}",
              kAdminInspector,
              "Get an assessment with its recognition runs and action runs",
              "assessments",
              {},
              "",
              "",
              "AssessmentDetail",
              200},
             [ctx](const ApiRequest& r) { return GetAssessment(ctx, r); });
  router.Add({"POST",
              "/api/v1/assessments/{id}/feedback",
              kAdminInspector,
              "Record an inspector's verdict and satisfaction",
              "assessments",
              {},
              "Feedback",
              "application/json",
              "Assessment",
              200},
             [ctx](const ApiRequest& r) { return PostFeedback(ctx, r); });
  router.Add({"GET",
              "/api/v1/action-runs",
              kAdminInspector,
              "List action runs",
              "actions",
              {"assessment_id", "limit"},
              "",
              "",
              "ActionRunList",
              200},
             [ctx](const ApiRequest& r) { return ListActionRuns(ctx, r); });
  router.Add({"POST",
              "/api/v1/action-runs/{id}/retry",
              {store::Role::kAdmin},
              "Deliver a failed action run again (audited)",
              "actions",
              {},
              "",
              "",
              "ActionRun",
              200},
             [ctx](const ApiRequest& r) { return RetryActionRun(ctx, r); });
}

}  // namespace tilsyn::server
