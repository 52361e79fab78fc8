#include "imaging/input_blob.h"

#include <cstring>
#include <opencv2/imgproc.hpp>

namespace tilsyn::imaging {

cv::Mat NchwBlob(const cv::Mat& canvas, const ModelInput& in) {
  const int h = canvas.rows, w = canvas.cols;
  const int sizes[] = {1, 3, h, w};
  cv::Mat blob(4, sizes, CV_32F);
  const float scale = static_cast<float>(in.scale);
  float* plane[3];
  float offset[3];
  int src[3];
  for (int c = 0; c < 3; ++c) {
    plane[c] = blob.ptr<float>() + static_cast<size_t>(c) * h * w;
    offset[c] = -static_cast<float>(c < static_cast<int>(in.mean.size()) ? in.mean[c] : 0) * scale;
    src[c] = in.swap_rb ? 2 - c : c;
  }
  for (int y = 0; y < h; ++y) {
    const uchar* p = canvas.ptr<uchar>(y);
    const size_t row = static_cast<size_t>(y) * w;
    for (int x = 0; x < w; ++x, p += 3) {
      for (int c = 0; c < 3; ++c) plane[c][row + x] = p[src[c]] * scale + offset[c];
    }
  }
  return blob;
}

cv::Mat NhwcBlob(const cv::Mat& canvas, const ModelInput& in) {
  cv::Mat rgb, f;
  if (in.swap_rb) {
    cv::cvtColor(canvas, rgb, cv::COLOR_BGR2RGB);
  } else {
    rgb = canvas;
  }
  const double m = in.mean.empty() ? 0 : in.mean[0];
  rgb.convertTo(f, CV_32FC3, in.scale, -m * in.scale);
  const int sizes[] = {1, canvas.rows, canvas.cols, 3};
  cv::Mat blob(4, sizes, CV_32F);
  std::memcpy(blob.ptr<float>(), f.ptr<float>(), f.total() * 3 * sizeof(float));
  return blob;
}

}  // namespace tilsyn::imaging
