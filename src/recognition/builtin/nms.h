// Non-maximum suppression for scored boxes (the dnn module's NMSBoxes without linking dnn).
// Pure function; thread-safe.
#pragma once

#include <vector>

#include "tasks/detection.h"

namespace tilsyn::recognition {

// Keeps the highest-scoring detection of every group of same-label boxes overlapping with
// IoU > `iou_threshold`, or where one box lies mostly (> 80%) inside a higher-scoring one.
// The result is sorted by descending score.
std::vector<tasks::Detection> SuppressOverlaps(std::vector<tasks::Detection> detections,
                                               double iou_threshold = 0.4);

}  // namespace tilsyn::recognition
