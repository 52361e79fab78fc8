// Rules: the task's expected outcome applied to recognition results (step 7 of the chain).
//   presence: finding when no target is detected with confidence, ok when one is.
//   absence:  finding when a target is detected with confidence, ok when none is.
//   count:    ok when min_count <= n <= max_count (n = confident targets at least
//             rule.min_box_height_px tall), finding otherwise.
// A result that was not good enough after every fallback is inconclusive. Pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tasks/detection.h"
#include "tasks/task.h"

namespace tilsyn::tasks {

struct AssessmentResult {
  Outcome outcome = Outcome::kInconclusive;
  std::string reason;                 // human-readable, e.g. "3 person (expected 0..2)"
  std::map<std::string, int> counts;  // confident detections per target label
};

AssessmentResult Assess(const Task& task, const std::vector<Detection>& detections,
                        bool good_enough);

}  // namespace tilsyn::tasks
