// "change": before/after comparison of a new image against the site's reference image
// (RecognizeRequest::reference). Steps: both images to grayscale at a working size; ORB features,
// ratio-tested Hamming matches and a RANSAC homography align the reference onto the new view;
// the aligned reference is brightness/contrast matched inside the overlap (per colour channel
// with the "colour" setting, taking the largest difference over the channels); the absolute
// difference of the blurred images is thresholded, cleaned by morphology (open, close) and split
// into connected regions. Result: the changed-area fraction of the overlap, a mask, and one
// "change" detection per region (box in the new image, Detection::area_fraction = the region's
// share of the overlap).
//
// Score calibration: a region's score is the logistic 1 / (1 + exp(-4 (m / t - 1.25))) of its
// mean difference m over the pixel threshold t: a region barely above the threshold (m = t)
// scores 0.27, m = 1.25 t scores 0.5, m = 2 t scores 0.95 — faint changes (shadows, residual
// misalignment) stay below a task's default 0.5. No reference, or too few feature matches to
// align, gives no detections and good_enough = false (inconclusive), never an error.
// Thread-safe: DetectChange is a pure function; the recognizer holds no mutable state.
#pragma once

#include <memory>
#include <optional>
#include <opencv2/core.hpp>
#include <vector>

#include "core/json_util.h"
#include "recognition/recognizer.h"

namespace tilsyn::recognition {

struct ChangeOptions {
  int work_side = 800;             // longer side of the working images
  int orb_features = 3000;
  double ratio = 0.75;             // Lowe's ratio test
  int min_inliers = 15;            // RANSAC inliers needed to trust the alignment
  int diff_threshold = 40;         // grey-level difference of a changed pixel (after matching)
  double min_region_fraction = 0.002;  // smaller regions (share of the overlap) are ignored
  int timeout_ms = 10'000;
  // Compare every colour channel, not only brightness: finds objects that differ from the street
  // in hue (a skip blurred by the anonymizer into a rectangle of its mean colour: 3.9% changed in
  // grey, 7.6% in colour), but also flags colour shifts of strongly coloured texture seen from
  // another angle (opencv-doc graf1 vs graf3: 4.5% grey, 8.9% colour). Off by default.
  bool colour = false;
};

struct ChangeResult {
  bool aligned = false;
  int inliers = 0;
  double changed_fraction = 0;  // changed pixels / overlapping pixels (of the region of interest)
  cv::Mat mask;                 // CV_8U, size of the new image, 255 = changed
  std::vector<tasks::Detection> regions;  // label "change", boxes in the new image
};

// Pure; `reference` and `image` are 8-bit BGR or gray of any sizes. With `roi` (fractions of the
// reference image), change is measured only inside that region as it appears in the new view:
// changed_fraction and each region's area_fraction are shares of it; a region mostly out of view
// is not comparable (aligned = false).
ChangeResult DetectChange(const cv::Mat& reference, const cv::Mat& image, const ChangeOptions& o,
                          const std::optional<cv::Rect2d>& roi = std::nullopt);

// Settings (all optional): work_side, orb_features, ratio, min_inliers, diff_threshold,
// min_region_fraction, timeout_ms. InvalidArgument naming "settings.<field>".
Result<std::unique_ptr<Recognizer>> NewChangeRecognizer(const std::string& name,
                                                        const Json& settings);

}  // namespace tilsyn::recognition
