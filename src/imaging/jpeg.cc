#include "imaging/jpeg.h"

#include <opencv2/imgcodecs.hpp>
#include <vector>

namespace tilsyn::imaging {

namespace {

// Wraps the bytes without copying; imdecode only reads.
cv::Mat BytesView(std::string_view bytes) {
  return cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1,
                 const_cast<char*>(bytes.data()));
}

Result<cv::Mat> DecodeAny(std::string_view bytes, const char* what) {
  if (bytes.empty()) return Status::UnsupportedMedia(std::string("empty ") + what, "image");
  cv::Mat out;
  try {
    out = cv::imdecode(BytesView(bytes), cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return Status::UnsupportedMedia(std::string("cannot decode ") + what + ": " + e.what(),
                                    "image");
  }
  if (out.empty() || out.type() != CV_8UC3) {
    return Status::UnsupportedMedia(std::string("cannot decode ") + what, "image");
  }
  return out;
}

}  // namespace

bool LooksLikeJpeg(std::string_view bytes) {
  return bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
         static_cast<unsigned char>(bytes[1]) == 0xD8 &&
         static_cast<unsigned char>(bytes[2]) == 0xFF;
}

Result<cv::Mat> DecodeJpeg(std::string_view bytes) {
  if (!LooksLikeJpeg(bytes)) return Status::UnsupportedMedia("not a JPEG image", "image");
  return DecodeAny(bytes, "JPEG");
}

Result<cv::Mat> DecodeImage(std::string_view bytes) { return DecodeAny(bytes, "image"); }

Result<std::string> EncodeJpeg(const cv::Mat& bgr, int quality) {
  if (bgr.empty() || bgr.depth() != CV_8U || (bgr.channels() != 3 && bgr.channels() != 1)) {
    return Status::InvalidArgument("EncodeJpeg needs an 8-bit BGR or gray image", "image");
  }
  std::vector<uchar> buf;
  try {
    const std::vector<int> params = {cv::IMWRITE_JPEG_QUALITY, quality,
                                     cv::IMWRITE_JPEG_OPTIMIZE, 0};
    if (!cv::imencode(".jpg", bgr, buf, params)) return Status::Internal("imencode failed");
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("imencode failed: ") + e.what());
  }
  return std::string(buf.begin(), buf.end());
}

}  // namespace tilsyn::imaging
