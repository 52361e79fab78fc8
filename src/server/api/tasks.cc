// /api/v1/tasks: create, list, read, replace, and the status changes activate / pause / cancel.
// Every change goes through one store->UpdateTask(task, job) call so the task and its capture job
// change together (agents see the new job version on their next delta sync).
#include "core/ids.h"
#include "core/split.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"
#include "server/visits.h"
#include "tasks/planner.h"
#include "tasks/task_json.h"

namespace tilsyn::server {
namespace {

using tasks::Task;
using tasks::TaskStatus;

std::string StatusName(TaskStatus s) { return std::string(tasks::ToString(s)); }

// What the audit trail keeps of a task change: no free text, nothing personal.
Json TaskAuditDetails(const Task& t) {
  return Json{{"revision", t.revision},
              {"status", StatusName(t.status)},
              {"kind", std::string(tasks::ToString(t.kind))},
              {"evidence_days", t.retention.evidence_days},
              {"keep_non_findings", t.retention.keep_non_findings},
              {"legal_hold", t.retention.legal_hold},
              {"inconclusive_days", t.retention.inconclusive_days}};
}

// Keeps the stored webhook secret when an update repeats a webhook (same URL) without one —
// the API never returns secrets, so a client cannot send them back.
void KeepSecrets(const Task& old_task, Task& updated) {
  for (auto& a : updated.actions) {
    if ((a.type != "webhook" && a.type != "open311") || !a.secret.empty()) continue;
    for (const auto& old : old_task.actions) {
      if (old.type == a.type && old.url == a.url && !old.secret.empty()) {
        a.secret = old.secret;
        break;
      }
    }
  }
}

// A task whose label no configured service recognises would stay inconclusive forever; an
// e-mail action without an SMTP server would fail every delivery.
Status CheckServed(const ApiContext& ctx, const Task& task) {
  for (size_t i = 0; i < task.actions.size(); ++i) {
    if ((task.actions[i].type == "email" || task.actions[i].type == "contractor") &&
        !ctx.email_enabled) {
      return Status::InvalidArgument(
          "e-mail actions need an SMTP server: set \"smtp\" in the server configuration",
          "actions[" + std::to_string(i) + "].type");
    }
  }
  if (!ctx.capabilities) return Status::Ok();
  return recognition::CheckTaskServed(*ctx.capabilities, task);
}

// An inspector with units orders tasks for them: a new task without a unit gets their first;
// an edit without a unit keeps the task's (a shared task stays shared); another unit is refused
// (naming "unit").
Status PlaceInUnit(const ApiRequest& req, Task& task, const Task* before = nullptr) {
  const std::vector<std::string>& units = VisibleUnits(req);
  if (task.unit.empty()) {
    if (before) {
      task.unit = before->unit;
    } else if (!units.empty()) {
      task.unit = units.front();
    }
  }
  if (!InScope(req, task.unit)) {
    return Status::PermissionDenied("unit \"" + task.unit + "\" is not one of yours")
        .WithField("unit");
  }
  return Status::Ok();
}

Result<net::HttpResponse> CreateTask(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  TILSYN_ASSIGN_OR_RETURN(Task task, tasks::TaskFromJson(body));
  TILSYN_RETURN_IF_ERROR(CheckServed(ctx, task));
  TILSYN_RETURN_IF_ERROR(PlaceInUnit(req, task));
  TimeMs now = ctx.clock->NowMs();
  task.id = NewUuid();
  task.owner = req.principal ? req.principal->subject : "";
  task.status = TaskStatus::kDraft;
  task.revision = 1;
  task.created_ms = now;
  task.updated_ms = now;
  // The change and its audit entry commit together (invariant 5's task side).
  TILSYN_RETURN_IF_ERROR(ctx.store->WithAudit(
      RequestAudit(ctx, req, "task.create", "task", task.id, "", TaskAuditDetails(task)),
      [&](store::Store& s) { return s.CreateTask(task); }));
  net::HttpResponse r = Created(tasks::TaskToJson(task));
  r.headers.emplace_back("Location", "/api/v1/tasks/" + task.id);
  return r;
}

Result<net::HttpResponse> ListTasks(const ApiContext& ctx, const ApiRequest& req) {
  store::TaskFilter f;
  // One status, several separated by commas, or a word for the usual views: `current` (draft,
  // active, paused) and `archived` (completed, cancelled).
  if (auto s = QueryString(req.http, "status")) {
    using tasks::TaskStatus;
    if (*s == "current") {
      f.statuses = {TaskStatus::kDraft, TaskStatus::kActive, TaskStatus::kPaused};
    } else if (*s == "archived") {
      f.statuses = {TaskStatus::kCompleted, TaskStatus::kCancelled};
    } else {
      for (const std::string& piece : Split(*s, ',')) {
        std::optional<TaskStatus> one = tasks::ParseTaskStatus(piece);
        if (!one) {
          return Status::InvalidArgument(
              "status must be draft, active, paused, completed or cancelled (or several, "
              "separated by commas), current or archived",
              "status");
        }
        f.statuses.push_back(*one);
      }
    }
  }
  if (auto k = QueryString(req.http, "kind")) {
    f.kind = tasks::ParseTaskKind(*k);
    if (!f.kind) {
      return Status::InvalidArgument(
          "kind must be presence, absence, count, condition, text, before_after or permit_check",
          "kind");
    }
  }
  f.unit = QueryString(req.http, "unit");
  f.visible_units = VisibleUnits(req);
  TILSYN_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req.http, "limit", 100, 1, 1000));
  TILSYN_ASSIGN_OR_RETURN(int64_t offset, QueryInt(req.http, "offset", 0, 0, 1'000'000'000));
  f.limit = static_cast<int>(limit);
  f.offset = static_cast<int>(offset);
  // Sites nobody visits (server/visits.h): each task's last capture and whether it is overdue.
  std::optional<bool> overdue_only;
  if (auto o = QueryString(req.http, "overdue")) {
    if (*o != "true" && *o != "false")
      return Status::InvalidArgument("must be true or false", "overdue");
    overdue_only = *o == "true";
    f.limit = 1000;
    f.offset = 0;
  }
  TILSYN_ASSIGN_OR_RETURN(auto list, ctx.store->ListTasks(f));
  TILSYN_ASSIGN_OR_RETURN(auto last, ctx.store->LastCaptureByTask());
  const bool has_report = ctx.coverage && ctx.coverage->HasReport();
  const TimeMs now = ctx.clock->NowMs();
  Json out = Json::array();
  for (const Task& t : list) {
    auto it = last.find(t.id);
    const std::optional<TimeMs> last_capture =
        it == last.end() ? std::nullopt : std::optional<TimeMs>(it->second);
    const VisitStatus v =
        CheckVisit(t, last_capture, now, ctx.coverage ? ctx.coverage->Site(t.id) : std::nullopt,
                   has_report, ctx.coverage_top_k);
    if (overdue_only && v.overdue != *overdue_only) continue;
    Json j = tasks::TaskToJson(t);
    j["visit"] = v.ToJson(last_capture);
    out.push_back(j);
  }
  return Ok(Json{{"tasks", out}});
}

Result<net::HttpResponse> GetTask(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Task task, LoadVisibleTask(ctx, req, req.Param("id")));
  return Ok(tasks::TaskToJson(task));
}

Result<net::HttpResponse> ReplaceTask(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  TILSYN_ASSIGN_OR_RETURN(Task edited, tasks::TaskFromJson(body));
  TILSYN_RETURN_IF_ERROR(CheckServed(ctx, edited));
  TILSYN_ASSIGN_OR_RETURN(Task task, LoadVisibleTask(ctx, req, req.Param("id")));
  TILSYN_RETURN_IF_ERROR(PlaceInUnit(req, edited, &task));
  if (task.status == TaskStatus::kCancelled || task.status == TaskStatus::kCompleted) {
    return Status::FailedPrecondition("a " + StatusName(task.status) + " task cannot be edited",
                                      "status");
  }
  KeepSecrets(task, edited);
  // Server-owned fields stay; everything an inspector can edit is replaced.
  edited.id = task.id;
  edited.owner = task.owner;
  edited.status = task.status;
  edited.created_ms = task.created_ms;
  edited.revision = task.revision + 1;
  edited.updated_ms = ctx.clock->NowMs();
  std::optional<tasks::CaptureJob> job;
  if (edited.status == TaskStatus::kActive) job = tasks::PlanJob(edited);
  TILSYN_RETURN_IF_ERROR(ctx.store->WithAudit(
      RequestAudit(ctx, req, "task.update", "task", edited.id, "", TaskAuditDetails(edited)),
      [&](store::Store& s) { return s.UpdateTask(edited, job); }));
  return Ok(tasks::TaskToJson(edited));
}

enum class Transition { kActivate, kPause, kComplete, kCancel };

// The allowed status changes. Repeating the current target status is a no-op (idempotent).
Result<net::HttpResponse> ChangeStatus(const ApiContext& ctx, const ApiRequest& req,
                                       Transition tr) {
  TILSYN_ASSIGN_OR_RETURN(Task task, LoadVisibleTask(ctx, req, req.Param("id")));
  const TaskStatus from = task.status;
  TaskStatus to = TaskStatus::kActive;
  bool allowed = false;
  bool publish_job = false;
  switch (tr) {
    case Transition::kActivate:
      to = TaskStatus::kActive;
      allowed = from == TaskStatus::kDraft || from == TaskStatus::kPaused;
      publish_job = true;
      break;
    case Transition::kPause:
      to = TaskStatus::kPaused;
      allowed = from == TaskStatus::kActive;
      publish_job = true;
      break;
    case Transition::kComplete:
      // The inspection is done: vehicles stop capturing for it; its findings and cases stay.
      to = TaskStatus::kCompleted;
      allowed = from == TaskStatus::kActive || from == TaskStatus::kPaused;
      publish_job = true;
      break;
    case Transition::kCancel:
      to = TaskStatus::kCancelled;
      allowed =
          from == TaskStatus::kDraft || from == TaskStatus::kActive || from == TaskStatus::kPaused;
      // A draft was never offered to vehicles; anything else must be withdrawn.
      publish_job = from != TaskStatus::kDraft;
      break;
  }
  if (from == to) return Ok(tasks::TaskToJson(task));
  if (!allowed) {
    return Status::FailedPrecondition(
        "cannot change a " + StatusName(from) + " task to " + StatusName(to), "status");
  }
  TimeMs now = ctx.clock->NowMs();
  if (to == TaskStatus::kActive && task.schedule.valid_to <= now) {
    return Status::FailedPrecondition("the task's validity period has ended", "schedule.valid_to");
  }
  task.status = to;
  task.revision += 1;
  task.updated_ms = now;
  std::optional<tasks::CaptureJob> job;
  if (publish_job) job = tasks::PlanJob(task);
  const char* action = tr == Transition::kActivate   ? "task.activate"
                       : tr == Transition::kPause    ? "task.pause"
                       : tr == Transition::kComplete ? "task.complete"
                                                     : "task.cancel";
  Json details = TaskAuditDetails(task);
  details["from"] = StatusName(from);
  TILSYN_RETURN_IF_ERROR(
      ctx.store->WithAudit(RequestAudit(ctx, req, action, "task", task.id, "", details),
                           [&](store::Store& s) { return s.UpdateTask(task, job); }));
  return Ok(tasks::TaskToJson(task));
}

}  // namespace

void RegisterTaskRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"POST",
              "/api/v1/tasks",
              kAdminInspector,
              "Create a task (status draft)",
              "tasks",
              {},
              "TaskInput",
              "application/json",
              "Task",
              201},
             [ctx](const ApiRequest& r) { return CreateTask(ctx, r); });
  router.Add({"GET",
              "/api/v1/tasks",
              kReaders,
              "List tasks",
              "tasks",
              {"status", "kind", "unit", "overdue", "limit", "offset"},
              "",
              "",
              "TaskList",
              200},
             [ctx](const ApiRequest& r) { return ListTasks(ctx, r); });
  router.Add(
      {"GET", "/api/v1/tasks/{id}", kReaders, "Get a task", "tasks", {}, "", "", "Task", 200},
      [ctx](const ApiRequest& r) { return GetTask(ctx, r); });
  router.Add({"PUT",
              "/api/v1/tasks/{id}",
              kAdminInspector,
              "Replace a task's editable fields (the job is re-planned when active)",
              "tasks",
              {},
              "TaskInput",
              "application/json",
              "Task",
              200},
             [ctx](const ApiRequest& r) { return ReplaceTask(ctx, r); });
  router.Add({"POST",
              "/api/v1/tasks/{id}/activate",
              kAdminInspector,
              "Activate a draft or paused task",
              "tasks",
              {},
              "",
              "",
              "Task",
              200},
             [ctx](const ApiRequest& r) { return ChangeStatus(ctx, r, Transition::kActivate); });
  router.Add({"POST",
              "/api/v1/tasks/{id}/pause",
              kAdminInspector,
              "Pause an active task",
              "tasks",
              {},
              "",
              "",
              "Task",
              200},
             [ctx](const ApiRequest& r) { return ChangeStatus(ctx, r, Transition::kPause); });
  router.Add({"POST",
              "/api/v1/tasks/{id}/complete",
              kAdminInspector,
              "Complete an active or paused task: vehicles stop capturing for it, its findings "
              "and cases stay",
              "tasks",
              {},
              "",
              "",
              "Task",
              200},
             [ctx](const ApiRequest& r) { return ChangeStatus(ctx, r, Transition::kComplete); });
  router.Add({"POST",
              "/api/v1/tasks/{id}/cancel",
              kAdminInspector,
              "Cancel a task",
              "tasks",
              {},
              "",
              "",
              "Task",
              200},
             [ctx](const ApiRequest& r) { return ChangeStatus(ctx, r, Transition::kCancel); });
}

}  // namespace tilsyn::server
