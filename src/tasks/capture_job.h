// CaptureJob: what an agent needs to photograph for one task — its geofence and constraints, as
// offered to vehicles. One job per task (job id = task id); `version` is a store-wide sequence so
// agents sync deltas ("everything changed since version V"). An inactive job tells the agent to
// drop it.
#pragma once

#include <optional>
#include <string>

#include "core/json_util.h"
#include "tasks/task.h"

namespace tilsyn::tasks {

struct CaptureJob {
  std::string id;       // = task id
  std::string task_id;
  int64_t version = 0;  // assigned by the store
  bool active = false;
  geo::Geofence area = geo::Geofence::Circle({0, 0}, 1);
  Schedule schedule;
  std::optional<double> heading_deg;
  double heading_tolerance_deg = 45;
  std::optional<double> max_speed_kmh;
  std::vector<std::string> targets;  // labels, informational for the agent
  // Text tasks: the sign text the task checks, which the agent's anonymizer keeps readable
  // unless a confident face or plate covers it (imaging/text/protected_text.h). "" = none.
  std::string evidence_text;
  double evidence_min_similarity = 0.8;
};

Json JobToJson(const CaptureJob& job);
Result<CaptureJob> JobFromJson(const Json& j);

}  // namespace tilsyn::tasks
