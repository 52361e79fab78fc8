// Irreversible blurring of image regions, used by every anonymizer. Pure functions on the
// caller's image; thread-safe for distinct images.
#pragma once

#include <opencv2/core.hpp>
#include <string>

namespace tilsyn::imaging {

// `box` grown by `margin` (a fraction of its width/height) on every side, clipped to `bounds`.
// Empty when the box lies outside the image.
cv::Rect GrowBox(const cv::Rect& box, double margin, const cv::Size& bounds);

// Blurs `box` (clipped to the image) of the 8-bit image in place so that it becomes
// unrecognisable: the region is first reduced to a coarse mosaic, then smoothed with a Gaussian
// whose kernel is about the box size (sigma = kernel / 4). No-op for an empty box.
void BlurRegion(cv::Mat& image, const cv::Rect& box);

enum class BlurMode { kGaussian, kPixelate, kFill };
// "gaussian" | "pixelate" | "fill"; nullopt-like false when unknown.
bool ParseBlurMode(const std::string& s, BlurMode& out);
const char* BlurModeName(BlurMode m);

// Makes `box` unrecognisable with `mode`: kGaussian = BlurRegion above; kPixelate = a mosaic of
// about 6 cells across (cells at least 4 px); kFill = solid mid-gray. Pixels where `keep`
// (8-bit, image-sized, optional) is non-zero are left untouched (protected regions).
void ObscureRegion(cv::Mat& image, const cv::Rect& box, BlurMode mode, const cv::Mat& keep = {});

// Intersection over union of two boxes (0 when either is empty).
double BoxIou(const cv::Rect& a, const cv::Rect& b);

}  // namespace tilsyn::imaging
