#include "server/unvisited_actions.h"

#include "actions/run_payload.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/time_format.h"
#include "server/visits.h"

namespace tilsyn::server {

std::vector<store::ActionRunRecord> UnvisitedRuns(const tasks::Task& task,
                                                  std::optional<TimeMs> last_capture, TimeMs now,
                                                  const coverage::CoverageCache* coverage,
                                                  int top_k) {
  std::vector<store::ActionRunRecord> out;
  bool wanted = false;
  for (const tasks::ActionSpec& a : task.actions) wanted = wanted || a.on_unvisited;
  if (!wanted) return out;
  const bool has_report = coverage != nullptr && coverage->HasReport();
  const VisitStatus v =
      CheckVisit(task, last_capture, now, has_report ? coverage->Site(task.id) : std::nullopt,
                 has_report, top_k);
  if (!v.overdue) return out;
  const geo::BBox& box = task.area.bbox();
  for (size_t i = 0; i < task.actions.size(); ++i) {
    const tasks::ActionSpec& spec = task.actions[i];
    if (!spec.on_unvisited) continue;
    store::ActionRunRecord run;
    run.id = NewUuid();
    run.task_id = task.id;
    run.type = spec.type;
    run.target = spec.url;
    run.idempotency_key =
        task.id + ":unvisited:" + std::to_string(v.due_since_ms) + ":" + std::to_string(i);
    run.payload = {
        {"event", "unvisited"},
        {"task_id", task.id},
        {"task_title", task.title},
        {"outcome", "unvisited"},
        {"reason", v.reason},
        {"reason_code", v.reason_code},
        {"revisit_days", task.revisit_days.value_or(0)},
        {"due_since", FormatIso8601(v.due_since_ms)},
        {"last_observation_at", last_capture ? Json(FormatIso8601(*last_capture)) : Json(nullptr)},
        {"lat", (box.min_lat + box.max_lat) / 2},
        {"lon", (box.min_lon + box.max_lon) / 2},
        {"idempotency_key", run.idempotency_key}};
    if (spec.type == "webhook" && spec.format == "cloudevents") {
      run.payload = actions::CloudEvent(run.idempotency_key, task.id, "dk.tilsyn.site.unvisited",
                                        "tasks/" + task.id, now, std::move(run.payload));
    }
    if (spec.type == "email") actions::AddressEmail(spec, task, &run);
    run.next_attempt_ms = now;
    run.created_ms = run.updated_ms = now;
    out.push_back(std::move(run));
  }
  return out;
}

Result<int> QueueUnvisitedActions(store::Store* store, const coverage::CoverageCache* coverage,
                                  TimeMs now, int top_k) {
  TILSYN_ASSIGN_OR_RETURN(auto last, store->LastCaptureByTask());
  store::TaskFilter f;
  f.statuses = {tasks::TaskStatus::kActive};
  f.limit = 1000;
  std::vector<store::ActionRunRecord> runs;
  for (f.offset = 0;; f.offset += f.limit) {
    TILSYN_ASSIGN_OR_RETURN(std::vector<tasks::Task> page, store->ListTasks(f));
    for (const tasks::Task& t : page) {
      auto it = last.find(t.id);
      auto mine = UnvisitedRuns(t, it == last.end() ? std::nullopt : std::optional(it->second), now,
                                coverage, top_k);
      for (auto& r : mine) runs.push_back(std::move(r));
    }
    if (static_cast<int>(page.size()) < f.limit) break;
  }
  if (runs.empty()) return 0;
  TILSYN_ASSIGN_OR_RETURN(int added, store->QueueActionRuns(runs));
  if (added > 0) LogInfo("unvisited_actions_queued", {{"runs", added}});
  return added;
}

}  // namespace tilsyn::server
