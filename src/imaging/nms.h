// Non-maximum suppression of scored, labelled boxes: the one place that decides when two boxes
// are the same object, for the model-pack detectors (dnn_detector.h) and the built-in
// recognizers (HOG, cascades). Greedy by score. Pure functions; thread-safe.
#pragma once

#include <vector>

#include "tasks/detection.h"

namespace tilsyn::imaging {

struct NmsOptions {
  // A box is suppressed when it overlaps a kept, higher-scoring box of the same label with an
  // IoU above this...
  double iou = 0.45;
  // ...or when more than this share of the smaller box lies inside it (a car seen as the whole
  // car and as its rear half). 1 = off.
  double containment = 1.0;
};

// The kept detections, sorted by descending score (stable for equal scores).
std::vector<tasks::Detection> SuppressOverlaps(std::vector<tasks::Detection> detections,
                                               const NmsOptions& options);

}  // namespace tilsyn::imaging
