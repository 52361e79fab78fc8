// Rules: the task's expected outcome applied to recognition results (step 7 of the chain).
//   presence:  finding when no target is detected with confidence, ok when one is.
//   absence:   finding when a target is detected with confidence, ok when none is.
//   count:     ok when min_count <= n <= max_count (n = confident targets at least
//              rule.min_box_height_px tall), finding otherwise. With the image width known, the
//              counted boxes are also split by street side: a box whose centre lies in the left
//              half of a forward-looking camera's image is on the left of the direction of travel.
//   condition: a damage label (e.g. "pothole") detected with confidence is a finding; ok otherwise.
//   text:      the confident "text" lines (OCR, Detection::text) in reading order must match
//              rule.expected_text with similarity >= rule.min_similarity (text_match.h); a
//              mismatch or no text at all is a finding.
//   before_after: the changed-area fraction (sum of Detection::area_fraction over confident
//              target detections, label "change") above rule.change_threshold is a finding.
//   permit_check: is an object there — with target "change", the changed-area fraction against
//              the empty site's reference image above rule.change_threshold; with a detector's
//              label, a confident detection — and if so, is a permit (of rule.permit_kind, if set)
//              within rule.permit_distance_m valid at the capture time? Ok when no object or a
//              valid permit (named); a finding names the nearest permit that is not valid then,
//              or says that none is near.
// A result that was not good enough after every fallback is inconclusive. Pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tasks/detection.h"
#include "tasks/permit.h"
#include "tasks/task.h"

namespace tilsyn::tasks {

struct AssessmentResult {
  Outcome outcome = Outcome::kInconclusive;
  std::string reason;  // human-readable, e.g. "3 person (expected 0..2)"
  // The same reason as a code and its parameters (numbers written with a point), for a reader
  // in another language: the web UI has a sentence per code (docs/api.md lists the codes).
  std::string reason_code;
  std::map<std::string, std::string> reason_params;
  std::map<std::string, int> counts;       // confident detections per target label
  std::optional<double> similarity;        // text: best match against rule.expected_text
  std::optional<double> changed_fraction;  // before_after, permit_check: changed area / image area
  std::string permit_id;                   // permit_check: the permit the reason names ("" = none)
  // count with AssessContext::image_width: counted boxes left and right of the image centre.
  std::optional<int> left, right;
};

// What a rule needs beyond the detections.
struct AssessContext {
  std::vector<PermitMatch> permits;  // permit_check: permits near the observation (any validity)
  int image_width = 0;               // count: the image's width in pixels (0 = unknown)
};

AssessmentResult Assess(const Task& task, const std::vector<Detection>& detections,
                        bool good_enough, const AssessContext& context = {});

}  // namespace tilsyn::tasks
