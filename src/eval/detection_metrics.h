// Detection metrics against ground truth: IoU matching, per-label precision and recall at an
// operating score, and average precision at IoU 0.5 (all-point interpolated, PASCAL VOC 2010+).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "eval/annotations.h"
#include "tasks/detection.h"

namespace tilsyn::eval {

double IoU(const tasks::Box& a, const tasks::Box& b);

struct ImageResult {
  std::vector<GroundTruthBox> truth;
  std::vector<tasks::Detection> detections;
};

struct LabelMetrics {
  std::string label;
  int ground_truth = 0;     // non-crowd boxes
  int detections = 0;       // at or above the operating score
  int true_positives = 0;   // at or above the operating score
  double precision = 0;     // tp / detections (0 when none)
  double recall = 0;        // tp / ground_truth
  double ap50 = 0;          // over all reported detections, whatever their score
  // Mean absolute count error per image (detections at the operating score vs boxes), over the
  // `count_images` images without a crowd box of the label (all images of the set count, also
  // those without the label).
  double count_mae = 0;
  int count_images = 0;
};

// One entry per label that has ground truth, sorted by label. Detections of labels without
// ground truth are ignored (the set does not annotate them). A detection matches the
// highest-IoU unmatched box of its label with IoU >= iou; a second match of a box is a false
// positive; a match of a crowd box counts neither way.
std::vector<LabelMetrics> EvaluateDetections(const std::vector<ImageResult>& images,
                                             double operating_score = 0.5, double iou = 0.5);

}  // namespace tilsyn::eval
