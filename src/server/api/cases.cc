// /api/v1/assessments/{id}/case: a finding's life after the assessment (store/case_store.h) —
// the inspector records a status change, an escalation step with its date, a note or an
// assignment; each is an appended event and an audit entry in one transaction.
#include <regex>

#include "core/time_format.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"

namespace tilsyn::server {
namespace {

const char* kStatuses[] = {"open", "in_progress", "handled", "dismissed"};
const char* kSteps[] = {"advice", "follow_up", "order", "police_report"};

template <size_t N>
bool OneOf(const std::string& v, const char* (&list)[N]) {
  for (const char* x : list) {
    if (v == x) return true;
  }
  return false;
}

Result<store::CaseEvent> ParseCaseEvent(const Json& body) {
  store::CaseEvent e;
  TILSYN_ASSIGN_OR_RETURN(auto status, GetOptString(body, "status", "status"));
  TILSYN_ASSIGN_OR_RETURN(auto step, GetOptString(body, "step", "step"));
  TILSYN_ASSIGN_OR_RETURN(auto date, GetOptString(body, "step_date", "step_date"));
  TILSYN_ASSIGN_OR_RETURN(auto note, GetOptString(body, "note", "note"));
  TILSYN_ASSIGN_OR_RETURN(auto assignee, GetOptString(body, "assignee", "assignee"));
  e.status = status.value_or("");
  e.step = step.value_or("");
  e.step_date = date.value_or("");
  e.note = note.value_or("");
  e.assignee = assignee.value_or("");
  if (!e.status.empty() && !OneOf(e.status, kStatuses)) {
    return Status::InvalidArgument("must be open, in_progress, handled or dismissed", "status");
  }
  if (!e.step.empty() && !OneOf(e.step, kSteps)) {
    return Status::InvalidArgument("must be advice, follow_up, order or police_report", "step");
  }
  static const std::regex kDate("\\d{4}-\\d{2}-\\d{2}");
  if (!e.step_date.empty() && (e.step.empty() || !std::regex_match(e.step_date, kDate))) {
    return Status::InvalidArgument("a step's date as YYYY-MM-DD, with the step", "step_date");
  }
  if (e.note.size() > 4000) return Status::InvalidArgument("at most 4000 bytes", "note");
  if (e.assignee.size() > 200) return Status::InvalidArgument("at most 200 bytes", "assignee");
  if (e.status.empty() && e.step.empty() && e.note.empty() && e.assignee.empty()) {
    return Status::InvalidArgument("give a status, a step, a note or an assignee", "body");
  }
  return e;
}

Result<net::HttpResponse> PostCaseEvent(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  const std::string& id = req.Param("id");
  TILSYN_RETURN_IF_ERROR(LoadAssessment(ctx, req, id).status());
  TILSYN_ASSIGN_OR_RETURN(store::CaseEvent e, ParseCaseEvent(body));
  e.assessment_id = id;
  e.at_ms = ctx.clock->NowMs();
  e.user = req.principal ? req.principal->subject : "";
  Json details = Json::object();
  for (const auto& [k, v] :
       {std::pair{"status", e.status}, {"step", e.step}, {"assignee", e.assignee}}) {
    if (!v.empty()) details[k] = v;
  }
  if (!e.note.empty()) details["note"] = true;  // the note itself stays with the case
  TILSYN_RETURN_IF_ERROR(
      ctx.store->WithAudit(RequestAudit(ctx, req, "finding.case", "assessment", id, "", details),
                           [&](store::Store& s) { return s.cases().AppendCaseEvent(e); }));
  TILSYN_ASSIGN_OR_RETURN(auto events, ctx.store->cases().CaseEvents(id));
  return Ok(CaseToJson(store::FoldCase(std::move(events))));
}

}  // namespace

Json CaseToJson(const store::CaseState& c) {
  Json events = Json::array();
  for (const store::CaseEvent& e : c.events) {
    Json j = {{"at", FormatIso8601(e.at_ms)}, {"user", e.user}};
    for (const auto& [k, v] : {std::pair{"status", e.status},
                               {"step", e.step},
                               {"step_date", e.step_date},
                               {"note", e.note},
                               {"assignee", e.assignee}}) {
      if (!v.empty()) j[k] = v;
    }
    events.push_back(j);
  }
  return {{"status", c.status}, {"assignee", c.assignee}, {"events", events}};
}

void RegisterCaseRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"POST",
              "/api/v1/assessments/{id}/case",
              kAdminInspector,
              "Record a finding's status, escalation step, note or assignee (appended, audited)",
              "assessments",
              {},
              "CaseEvent",
              "application/json",
              "Case",
              200},
             [ctx](const ApiRequest& r) { return PostCaseEvent(ctx, r); });
}

}  // namespace tilsyn::server
