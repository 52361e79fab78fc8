// Trigger: decides, fix by fix, when to photograph for each capture job (privacy invariant 1).
// Per job it is a small state machine:
//   outside --(fix inside job.area)--> inside: a new pass begins
//   inside  --(fix farther than hysteresis_m outside the area)--> outside: the pass ends
// During a pass exactly one capture is offered, at the first fix that is inside the area and
// allowed by tasks::CheckCapture (active, validity, weekly window, speed, heading) and by the
// job's min_interval_s since the last capture. GPS jitter at the edge (< hysteresis_m) does not end
// a pass, and a vehicle standing inside gets one capture. The caller reports a successful capture
// with MarkCaptured(); until then later fixes of the pass are offered again (e.g. after a camera
// error). Pure logic, no I/O; not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/gps/gps_source.h"
#include "core/clock.h"
#include "tasks/capture_job.h"
#include "tasks/planner.h"

namespace tilsyn::agent {

struct TriggerOptions {
  double hysteresis_m = 5.0;  // how far outside the fence a fix must be to end a pass
  // Stale-fix rejection: a fix older than this (clock->NowMs() - fix.time) is ignored entirely —
  // no capture, no state change. 0 or no clock = off (replayed logs carry historical times).
  int64_t max_fix_age_ms = 0;
  // Accuracy limit: a fix whose accuracy_m is worse (larger) than this is ignored the same way —
  // a noisy fix neither starts nor ends a pass. 0 = off; a fix without accuracy_m is accepted.
  double max_accuracy_m = 0;
  const Clock* clock = nullptr;  // not owned; must outlive the Trigger
};

class Trigger {
 public:
  explicit Trigger(TriggerOptions options = {}) : options_(options) {}

  // Updates the state of `job` with `fix`; true when a capture should be taken now. A stale or
  // inaccurate fix (TriggerOptions::max_fix_age_ms, max_accuracy_m) returns false and changes
  // nothing.
  bool Update(const tasks::CaptureJob& job, const GpsFix& fix);
  // Records that a capture for `job_id` was stored at `time`: no more captures this pass, and
  // none before min_interval_s has passed.
  void MarkCaptured(const std::string& job_id, TimeMs time);
  // New age and accuracy limits (remote settings); the per-job state stays.
  void SetLimits(int64_t max_fix_age_ms, double max_accuracy_m) {
    options_.max_fix_age_ms = max_fix_age_ms;
    options_.max_accuracy_m = max_accuracy_m;
  }
  // Drops the state of jobs not in `job_ids` (removed or deactivated jobs).
  void Retain(const std::vector<std::string>& job_ids);

  // Passes (entries into the fence) seen per job so far, including dropped jobs.
  const std::map<std::string, int64_t>& passes() const { return passes_; }
  bool InsideForTest(const std::string& job_id) const;
  // Fixes ignored so far for age or accuracy (counted once per fix and job).
  int64_t stale_ignored() const { return stale_ignored_; }
  int64_t inaccurate_ignored() const { return inaccurate_ignored_; }

  // The per-job state (pass open, captured this pass, last capture) as JSON, and back, so a
  // restarted agent continues a pass instead of capturing it again.
  Json SaveState() const;
  void RestoreState(const Json& j);

 private:
  struct JobState {
    bool inside = false;  // in a pass
    bool captured_this_pass = false;
    std::optional<TimeMs> last_capture;
  };
  TriggerOptions options_;
  std::map<std::string, JobState> state_;
  std::map<std::string, int64_t> passes_;
  int64_t stale_ignored_ = 0;
  int64_t inaccurate_ignored_ = 0;
};

// The CheckCapture view of a fix.
tasks::CaptureFix ToCaptureFix(const GpsFix& fix);

}  // namespace tilsyn::agent
