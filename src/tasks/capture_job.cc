#include "tasks/capture_job.h"

#include "tasks/schedule_json.h"

namespace tilsyn::tasks {

Json JobToJson(const CaptureJob& job) {
  Json j = {{"id", job.id},
            {"task_id", job.task_id},
            {"version", job.version},
            {"active", job.active},
            {"area", job.area.ToGeoJson()},
            {"schedule", ScheduleToJson(job.schedule)},
            {"heading_tolerance_deg", job.heading_tolerance_deg},
            {"targets", job.targets}};
  if (job.heading_deg) j["heading_deg"] = *job.heading_deg;
  if (job.max_speed_kmh) j["max_speed_kmh"] = *job.max_speed_kmh;
  if (!job.evidence_text.empty()) {
    j["evidence"] = {{"text", job.evidence_text}, {"min_similarity", job.evidence_min_similarity}};
  }
  return j;
}

Result<CaptureJob> JobFromJson(const Json& j) {
  if (!j.is_object()) return Status::InvalidArgument("a job must be an object", "job");
  CaptureJob job;
  TILSYN_ASSIGN_OR_RETURN(job.id, GetString(j, "id", "id"));
  TILSYN_ASSIGN_OR_RETURN(job.task_id, GetString(j, "task_id", "task_id"));
  TILSYN_ASSIGN_OR_RETURN(job.version, GetInt(j, "version", "version"));
  TILSYN_ASSIGN_OR_RETURN(job.active, GetBool(j, "active", "active"));
  if (!j.contains("area")) return Status::InvalidArgument("required field is missing", "area");
  TILSYN_ASSIGN_OR_RETURN(job.area, geo::Geofence::FromGeoJson(j["area"], "area"));
  if (!j.contains("schedule")) return Status::InvalidArgument("required field is missing", "schedule");
  TILSYN_ASSIGN_OR_RETURN(job.schedule, ScheduleFromJson(j["schedule"], "schedule"));
  TILSYN_ASSIGN_OR_RETURN(job.heading_deg, GetOptNumber(j, "heading_deg", "heading_deg"));
  TILSYN_ASSIGN_OR_RETURN(auto tol, GetOptNumber(j, "heading_tolerance_deg", "heading_tolerance_deg"));
  if (tol) job.heading_tolerance_deg = *tol;
  TILSYN_ASSIGN_OR_RETURN(job.max_speed_kmh, GetOptNumber(j, "max_speed_kmh", "max_speed_kmh"));
  if (j.contains("targets") && j["targets"].is_array()) {
    for (const Json& t : j["targets"]) {
      if (t.is_string()) job.targets.push_back(t.get<std::string>());
    }
  }
  if (j.contains("evidence") && j["evidence"].is_object()) {
    const Json& e = j["evidence"];
    TILSYN_ASSIGN_OR_RETURN(job.evidence_text, GetString(e, "text", "evidence.text"));
    TILSYN_ASSIGN_OR_RETURN(auto sim, GetOptNumber(e, "min_similarity", "evidence.min_similarity"));
    if (sim) job.evidence_min_similarity = *sim;
  }
  return job;
}

}  // namespace tilsyn::tasks
