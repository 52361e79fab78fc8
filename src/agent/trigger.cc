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
  if (options_.max_fix_age_ms > 0 && options_.clock &&
      options_.clock->NowMs() - fix.time > options_.max_fix_age_ms) {
    ++stale_ignored_;
    return false;
  }
  if (options_.max_accuracy_m > 0 && fix.accuracy_m &&
      !(*fix.accuracy_m <= options_.max_accuracy_m)) {
    ++inaccurate_ignored_;
    return false;
  }
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

Json Trigger::SaveState() const {
  Json out = Json::object();
  for (const auto& [id, s] : state_) {
    Json j = {{"inside", s.inside}, {"captured_this_pass", s.captured_this_pass}};
    if (s.last_capture) j["last_capture_ms"] = *s.last_capture;
    out[id] = j;
  }
  return out;
}

void Trigger::RestoreState(const Json& j) {
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it->is_object()) continue;
    JobState s;
    s.inside = it->value("inside", false);
    s.captured_this_pass = it->value("captured_this_pass", false);
    if (it->contains("last_capture_ms") && (*it)["last_capture_ms"].is_number_integer()) {
      s.last_capture = (*it)["last_capture_ms"].get<TimeMs>();
    }
    state_[it.key()] = s;
  }
}

bool Trigger::InsideForTest(const std::string& job_id) const {
  auto it = state_.find(job_id);
  return it != state_.end() && it->second.inside;
}

}  // namespace tilsyn::agent
