// "hog-person": OpenCV's HOG + linear SVM people detector (Dalal–Triggs, the default people
// detector shipped inside OpenCV), local and network-free. Recognize() is serialised by a mutex.
//
// Score calibration: detectMultiScale returns the SVM margin w of each (grouped) window. It is
// mapped to [0, 1] with the logistic 1 / (1 + exp(-2.5 * (w - 0.5))): w = 0.5 → 0.5,
// w = 0.9 → 0.73, w = 1.3 → 0.88, w = 2.5 → 0.99. On opencv-doc's vtest.avi and darknet's
// person.jpg, clearly visible pedestrians have w ≥ 0.9, so they score above 0.7; background
// windows that pass the SVM have w near 0 (score ≈ 0.22).
#pragma once

#include <memory>

#include "core/json_util.h"
#include "recognition/recognizer.h"

namespace tilsyn::recognition {

struct HogPersonOptions {
  int min_side = 400;        // images whose shorter side is smaller are scaled up to this
  int max_side = 1600;       // images whose longer side is larger are scaled down (speed)
  double scale = 1.05;       // pyramid step
  double hit_threshold = 0;  // SVM margin a window needs to count at all
  int group_threshold = 2;   // detectMultiScale's window grouping
  double min_score = 0.2;    // detections scoring lower are dropped
  int timeout_ms = 10'000;
};

// Maps an SVM margin to a calibrated score (see above).
double HogScore(double svm_weight);

// Settings (all optional): min_side, max_side, scale, hit_threshold, group_threshold, min_score,
// timeout_ms. InvalidArgument naming the field for a bad value.
Result<std::unique_ptr<Recognizer>> NewHogPersonRecognizer(const std::string& name,
                                                           const Json& settings);

}  // namespace tilsyn::recognition
