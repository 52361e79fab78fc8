#include "tasks/rules.h"

#include <string>

namespace tilsyn::tasks {

AssessmentResult Assess(const Task& task, const std::vector<Detection>& detections,
                        bool good_enough) {
  AssessmentResult r;
  int total = 0;
  for (const Target& t : task.targets) {
    int n = 0;
    for (const Detection& d : detections) {
      if (d.label != t.label || d.score < t.min_confidence) continue;
      if (task.kind == TaskKind::kCount && d.box.h < task.rule.min_box_height_px) continue;
      ++n;
    }
    r.counts[t.label] = n;
    total += n;
  }
  std::string what = task.targets.empty() ? "target" : task.targets[0].label;
  if (!good_enough) {
    r.outcome = Outcome::kInconclusive;
    r.reason = "no recognition service gave a good-enough result for " + what;
    return r;
  }
  switch (task.kind) {
    case TaskKind::kPresence:
      r.outcome = total > 0 ? Outcome::kOk : Outcome::kFinding;
      r.reason = total > 0 ? std::to_string(total) + " " + what + " present as expected"
                           : "expected " + what + " is missing";
      break;
    case TaskKind::kAbsence:
      r.outcome = total > 0 ? Outcome::kFinding : Outcome::kOk;
      r.reason = total > 0 ? std::to_string(total) + " " + what + " present, expected none"
                           : "no " + what + " present, as expected";
      break;
    case TaskKind::kCount: {
      bool ok = total >= task.rule.min_count && (!task.rule.max_count || total <= *task.rule.max_count);
      r.outcome = ok ? Outcome::kOk : Outcome::kFinding;
      std::string range = std::to_string(task.rule.min_count) + ".." +
                          (task.rule.max_count ? std::to_string(*task.rule.max_count) : "");
      r.reason = std::to_string(total) + " " + what + " counted (expected " + range + ")";
      break;
    }
  }
  return r;
}

}  // namespace tilsyn::tasks
