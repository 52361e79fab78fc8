#include "tasks/planner.h"

#include "core/time_format.h"
#include "geo/latlon.h"

namespace tilsyn::tasks {

CaptureJob PlanJob(const Task& task) {
  CaptureJob job;
  job.id = task.id;
  job.task_id = task.id;
  job.active = task.status == TaskStatus::kActive;
  job.area = task.area;
  job.schedule = task.schedule;
  job.heading_deg = task.heading_deg;
  job.heading_tolerance_deg = task.heading_tolerance_deg;
  job.max_speed_kmh = task.max_speed_kmh;
  for (const Target& t : task.targets) job.targets.push_back(t.label);
  if (task.kind == TaskKind::kText) {
    job.evidence_text = task.rule.expected_text;
    job.evidence_min_similarity = task.rule.min_similarity;
  }
  return job;
}

bool InSchedule(const Schedule& s, TimeMs t) {
  if (t < s.valid_from || t >= s.valid_to) return false;
  if (s.windows.empty()) return true;
  auto local = ToLocal(t, s.time_zone);
  if (!local.ok()) return false;
  for (const WeeklyWindow& w : s.windows) {
    if (w.weekday == local->weekday && local->minute_of_day >= w.start_minute &&
        local->minute_of_day < w.end_minute) {
      return true;
    }
  }
  return false;
}

Status CheckCapture(const CaptureJob& job, const CaptureFix& fix) {
  if (!job.active) return Status::FailedPrecondition("the capture job is not active", "job_id");
  if (!InSchedule(job.schedule, fix.time)) {
    return Status::FailedPrecondition(
        "captured_at " + FormatIso8601(fix.time) + " is outside the job's validity or time windows",
        "captured_at");
  }
  if (!job.area.Contains(fix.pos)) {
    return Status::FailedPrecondition("the position lies outside the job's geofence", "position");
  }
  if (job.max_speed_kmh && fix.speed_kmh && *fix.speed_kmh > *job.max_speed_kmh) {
    return Status::FailedPrecondition("speed is above the job's max_speed_kmh", "speed_kmh");
  }
  if (job.heading_deg && fix.heading_deg &&
      geo::HeadingDiffDeg(*job.heading_deg, *fix.heading_deg) > job.heading_tolerance_deg) {
    return Status::FailedPrecondition("heading is outside the job's heading tolerance",
                                      "heading_deg");
  }
  return Status::Ok();
}

}  // namespace tilsyn::tasks
