// Recognizer: a recognition service. Takes an anonymized image and the task's targets, returns
// labelled boxes with calibrated scores and whether the result is good enough for the targets'
// thresholds (steps 4–6 of the chain). Built-ins (builtin/) need no network; the fallback chain
// (fallback.h) is itself a Recognizer, so the pipeline never knows how many services ran.
// Every service call is reported as a RunResult so stats can be kept per service.
// Recognize() may be called from several threads; implementations serialise internally if needed.
#pragma once

#include <map>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/result.h"
#include "tasks/detection.h"
#include "tasks/task.h"

namespace tilsyn::recognition {

// Where a service processes data: on this machine, on the city's servers, or at a vendor.
enum class DataTerms { kLocal, kInternal, kExternal };
std::string_view ToString(DataTerms t);

struct ServiceInfo {
  std::string name;                 // configured name, e.g. "hog-person"
  std::string type;                 // implementation, e.g. "hog-person"
  std::vector<std::string> labels;  // labels it can detect
  DataTerms terms = DataTerms::kLocal;
  int timeout_ms = 10'000;
  double cost = 0;                  // relative cost per call
  // Calibration per label: the raw score at which THIS service is confident about the label
  // (different models give different confidences). Applied by the configured-service decorator
  // (service_config.h): raw scores are mapped so that the threshold becomes 0.5 (CalibrateScore),
  // and 0.5 is what a task's default min_confidence means. Empty = scores are already calibrated.
  std::map<std::string, double> thresholds;
  // Per label, measured quality and provenance where known (a model pack's "label_quality":
  // AP on our test split, training data, known failure modes); empty = not measured.
  std::map<std::string, Json> label_quality;
};

struct RecognizeRequest {
  std::vector<tasks::Target> targets;
  std::string data_class = "internal";  // the task's data class
  // Count tasks need every detection decided: one in the uncertain band makes the count unsure.
  bool count_exactly = false;
  // before_after tasks: the site's reference image (8-bit BGR; empty = none yet). Only the
  // "change" recognizer reads it; it is not sent to remote services.
  cv::Mat reference;
  // The task's region of interest in the reference, as fractions of its size (rule.roi).
  std::optional<cv::Rect2d> roi;
};

// One call of one service.
struct RunResult {
  std::string service;
  TimeMs started_ms = 0, finished_ms = 0;
  std::vector<tasks::Detection> detections;
  bool good_enough = false;
  std::string error;  // empty on success
};

struct Recognition {
  std::vector<tasks::Detection> detections;  // from the service whose result is used
  bool good_enough = false;
  std::string service;                       // that service's name ("" when none answered)
  std::vector<RunResult> runs;               // every call made, in order
};

class Recognizer {
 public:
  virtual ~Recognizer() = default;
  virtual const ServiceInfo& info() const = 0;
  // A failure of the service itself is a non-ok Result (retryable for timeouts/outages).
  virtual Result<Recognition> Recognize(const cv::Mat& bgr, const RecognizeRequest& req) = 0;
};

// The good-enough rule, calibrated per target: every target label must be either confidently
// present (a detection with score >= min_confidence) or confidently absent (no detection with
// score >= uncertain_ratio * min_confidence). A detection in between makes the result uncertain —
// unless the label is confidently present and the request does not count exactly (presence and
// absence are decided by one confident detection; a count is not).
bool IsGoodEnough(const std::vector<tasks::Detection>& detections, const RecognizeRequest& req,
                  double uncertain_ratio = 0.5);

// Piecewise-linear map of a raw score onto the calibrated scale given the service's threshold t
// for the label: 0 → 0, t → 0.5, 1 → 1 (monotonic; clamped to [0, 1]).
double CalibrateScore(double raw, double threshold);

}  // namespace tilsyn::recognition
