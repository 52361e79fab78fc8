// The common tail of the classic OpenCV detectors (HOG, Haar cascades): boxes found on a resized
// copy become the service's Recognition on the original image. Pure function; thread-safe.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "recognition/recognizer.h"

namespace tilsyn::recognition {

// Maps each `found[i]` (on a copy scaled by `scale`) back to an image of `size`, clips it, keeps
// it when `scores[i]` >= `min_score`, suppresses overlaps, and judges the result against `req`.
// `scores` holds one calibrated score per box.
Recognition ScaledBoxesToRecognition(const std::vector<cv::Rect>& found,
                                     const std::vector<double>& scores, double scale,
                                     cv::Size size, const std::string& label, double min_score,
                                     const RecognizeRequest& req, const std::string& service);

}  // namespace tilsyn::recognition
