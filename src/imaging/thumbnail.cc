#include "imaging/thumbnail.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "imaging/jpeg.h"

namespace tilsyn::imaging {

Result<std::string> Thumbnail(std::string_view jpeg, int max_width) {
  if (max_width < 16) return Status::InvalidArgument("at least 16 pixels", "width");
  TILSYN_ASSIGN_OR_RETURN(cv::Mat full, DecodeJpeg(jpeg));
  if (full.cols <= max_width) return EncodeJpeg(full, 80);
  const double scale = static_cast<double>(max_width) / full.cols;
  const int height = std::max(1, static_cast<int>(std::lround(full.rows * scale)));
  cv::Mat small;
  // Area averaging: no aliasing, and a blurred region stays blurred.
  cv::resize(full, small, cv::Size(max_width, height), 0, 0, cv::INTER_AREA);
  return EncodeJpeg(small, 80);
}

}  // namespace tilsyn::imaging
