#include "imaging/anonymize/blur.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace tilsyn::imaging {

cv::Rect GrowBox(const cv::Rect& box, double margin, const cv::Size& bounds) {
  const int dx = static_cast<int>(std::lround(box.width * margin));
  const int dy = static_cast<int>(std::lround(box.height * margin));
  cv::Rect grown(box.x - dx, box.y - dy, box.width + 2 * dx, box.height + 2 * dy);
  return grown & cv::Rect(0, 0, bounds.width, bounds.height);
}

void BlurRegion(cv::Mat& image, const cv::Rect& box) {
  const cv::Rect r = box & cv::Rect(0, 0, image.cols, image.rows);
  if (r.width <= 1 || r.height <= 1) return;
  cv::Mat roi = image(r);
  // A coarse mosaic (about 6 cells across) removes the detail a Gaussian alone could leave
  // partly recoverable; the Gaussian then hides the cell edges.
  const int cells = 6;
  cv::Mat small;
  cv::resize(roi, small, cv::Size(std::max(1, std::min(cells, r.width)),
                                  std::max(1, std::min(cells, r.height))),
             0, 0, cv::INTER_AREA);
  cv::resize(small, roi, roi.size(), 0, 0, cv::INTER_NEAREST);
  int k = std::max(r.width, r.height) | 1;  // odd kernel about the box size
  k = std::max(k, 3);
  const double sigma = k / 4.0;
  cv::Mat blurred;
  cv::GaussianBlur(roi, blurred, cv::Size(k, k), sigma, sigma, cv::BORDER_REPLICATE);
  blurred.copyTo(roi);
}

bool ParseBlurMode(const std::string& s, BlurMode& out) {
  if (s == "gaussian") {
    out = BlurMode::kGaussian;
  } else if (s == "pixelate") {
    out = BlurMode::kPixelate;
  } else if (s == "fill") {
    out = BlurMode::kFill;
  } else {
    return false;
  }
  return true;
}

const char* BlurModeName(BlurMode m) {
  switch (m) {
    case BlurMode::kGaussian: return "gaussian";
    case BlurMode::kPixelate: return "pixelate";
    case BlurMode::kFill: return "fill";
  }
  return "gaussian";
}

void ObscureRegion(cv::Mat& image, const cv::Rect& box, BlurMode mode, const cv::Mat& keep) {
  const cv::Rect r = box & cv::Rect(0, 0, image.cols, image.rows);
  if (r.width <= 1 || r.height <= 1) return;
  const bool masked = !keep.empty() && cv::countNonZero(keep(r)) > 0;
  cv::Mat original;
  if (masked) original = image(r).clone();
  cv::Mat roi = image(r);
  switch (mode) {
    case BlurMode::kGaussian:
      BlurRegion(image, r);
      break;
    case BlurMode::kPixelate: {
      const int cells_x = std::max(1, std::min(6, r.width / 4));
      const int cells_y = std::max(1, std::min(6, r.height / 4));
      cv::Mat small;
      cv::resize(roi, small, cv::Size(cells_x, cells_y), 0, 0, cv::INTER_AREA);
      cv::resize(small, roi, roi.size(), 0, 0, cv::INTER_NEAREST);
      break;
    }
    case BlurMode::kFill:
      roi.setTo(cv::Scalar(128, 128, 128));
      break;
  }
  if (masked) original.copyTo(roi, keep(r));
}

double BoxIou(const cv::Rect& a, const cv::Rect& b) {
  const double inter = (a & b).area();
  const double uni = static_cast<double>(a.area()) + b.area() - inter;
  return uni <= 0 ? 0.0 : inter / uni;
}

}  // namespace tilsyn::imaging
