// Irreversible blurring of image regions, used by every anonymizer. Pure functions on the
// caller's image; thread-safe for distinct images.
#pragma once

#include <opencv2/core.hpp>

namespace tilsyn::imaging {

// `box` grown by `margin` (a fraction of its width/height) on every side, clipped to `bounds`.
// Empty when the box lies outside the image.
cv::Rect GrowBox(const cv::Rect& box, double margin, const cv::Size& bounds);

// Blurs `box` (clipped to the image) of the 8-bit image in place so that it becomes
// unrecognisable: the region is first reduced to a coarse mosaic, then smoothed with a Gaussian
// whose kernel is about the box size (sigma = kernel / 4). No-op for an empty box.
void BlurRegion(cv::Mat& image, const cv::Rect& box);

// Intersection over union of two boxes (0 when either is empty).
double BoxIou(const cv::Rect& a, const cv::Rect& b);

}  // namespace tilsyn::imaging
