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
  } catch (const cv::Exception&) {
    // e.what() names OpenCV's source files: not for an error body.
    return Status::UnsupportedMedia(std::string("cannot decode ") + what, "image");
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

Result<JpegInfo> InspectJpeg(std::string_view bytes) {
  if (!LooksLikeJpeg(bytes)) return Status::UnsupportedMedia("not a JPEG image", "image");
  auto u = [&](size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[i])); };
  const auto broken = [](const char* why) {
    return Status::UnsupportedMedia(std::string("broken JPEG: ") + why, "image");
  };
  JpegInfo info;
  bool have_frame = false;
  size_t i = 2;  // after SOI
  while (true) {
    // Markers may be preceded by fill bytes (0xFF).
    if (i >= bytes.size() || u(i) != 0xFF) return broken("a marker was expected");
    while (i < bytes.size() && u(i) == 0xFF) ++i;
    if (i >= bytes.size()) return broken("truncated marker");
    const unsigned marker = u(i++);
    if (marker == 0xD9) return broken("no image data before the end marker");
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length
    if (i + 2 > bytes.size()) return broken("truncated segment");
    const size_t len = (u(i) << 8) | u(i + 1);
    if (len < 2 || i + len > bytes.size()) return broken("segment longer than the file");
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): height and width.
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      if (len < 7) return broken("short frame header");
      info.height = static_cast<int>((u(i + 3) << 8) | u(i + 4));
      info.width = static_cast<int>((u(i + 5) << 8) | u(i + 6));
      have_frame = true;
    }
    i += len;
    if (marker == 0xDA) break;  // start of scan: entropy-coded data follows
  }
  if (!have_frame || info.width == 0 || info.height == 0) return broken("no frame size");
  // Inside entropy-coded data 0xFF is followed by 0x00 (stuffing), a restart marker or, between
  // the scans of a progressive image, another segment; the image ends with EOI.
  for (size_t k = i; k + 1 < bytes.size(); ++k) {
    if (u(k) == 0xFF && u(k + 1) == 0xD9) {
      info.complete = true;
      break;
    }
  }
  return info;
}

Result<cv::Mat> DecodeJpeg(std::string_view bytes, int64_t max_pixels) {
  TILSYN_ASSIGN_OR_RETURN(JpegInfo info, InspectJpeg(bytes));
  const int64_t pixels = static_cast<int64_t>(info.width) * info.height;
  if (pixels > max_pixels) {
    return Status::PayloadTooLarge("image of " + std::to_string(info.width) + " x " +
                                   std::to_string(info.height) + " pixels is over the limit of " +
                                   std::to_string(max_pixels) + " pixels")
        .WithField("image");
  }
  if (!info.complete) {
    return Status::UnsupportedMedia("truncated JPEG (no end marker after the image data)", "image");
  }
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
