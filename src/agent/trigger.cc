#include "agent/trigger.h"

#include <algorithm>

#include "tasks/planner.h"

namespace tilsyn::agent {

tasks::CaptureFix ToCaptureFix(const GpsFix& fix) {
  tasks::CaptureFix cf;
  cf.time = fix.time;
  cf.pos = fix.pos;
  cf.heading_deg = fix.heading_deg;
  cf.speed_kmh = fix.speed_kmh;
  return cf;
}

bool Trigger::Update(const tasks::CaptureJob& job, const GpsFix& fix) {
  JobState& s = state_[job.id];
  const bool contained = job.area.Contains(fix.pos);
  if (!s.inside) {
    if (!contained) return false;
    s.inside = true;
    s.captured_this_pass = false;
    ++passes_[job.id];
  } else if (!contained) {
    // Jitter just outside the edge keeps the pass open; only a clear exit ends it.
    if (job.area.DistanceM(fix.pos) > options_.hysteresis_m) s.inside = false;
    return false;
  }
  if (s.captured_this_pass) return false;
  if (s.last_capture && job.schedule.min_interval_s > 0 &&
      fix.time - *s.last_capture < job.schedule.min_interval_s * 1000) {
    return false;
  }
  // The shared check (also run by the server) re-verifies activity, validity, window, position,
  // speed and heading.
  return tasks::CheckCapture(job, ToCaptureFix(fix)).ok();
}

void Trigger::MarkCaptured(const std::string& job_id, TimeMs time) {
  JobState& s = state_[job_id];
  s.captured_this_pass = true;
  s.last_capture = time;
}

void Trigger::Retain(const std::vector<std::string>& job_ids) {
  for (auto it = state_.begin(); it != state_.end();) {
    if (std::find(job_ids.begin(), job_ids.end(), it->first) == job_ids.end()) {
      it = state_.erase(it);
    } else {
      ++it;
    }
  }
}

bool Trigger::InsideForTest(const std::string& job_id) const {
  auto it = state_.find(job_id);
  return it != state_.end() && it->second.inside;
}

}  // namespace tilsyn::agent
