// JPEG decoding and metadata-free encoding (OpenCV imgcodecs). Re-encoding is how metadata is
// stripped: cv::imencode writes no EXIF, XMP, IPTC, ICC or thumbnails. Thread-safe.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tilsyn::imaging {

// True when `bytes` start with the JPEG SOI marker.
bool LooksLikeJpeg(std::string_view bytes);

// What the markers of a JPEG say, read without decoding any pixel.
struct JpegInfo {
  int width = 0, height = 0;  // from the frame header (SOFn)
  bool complete = false;      // an EOI marker follows the first scan (not truncated)
};
// UnsupportedMedia (field "image") when the marker structure is broken or has no frame header.
Result<JpegInfo> InspectJpeg(std::string_view bytes);

// Upload limit of DecodeJpeg: 40 megapixels (a 16384 x 16384 header in a 14 kB file would
// otherwise cost 800 MB to decode).
inline constexpr int64_t kMaxJpegPixels = 40'000'000;

// Decodes to 8-bit BGR after checking the header: PayloadTooLarge (field "image") when it
// claims more than `max_pixels`, UnsupportedMedia (field "image") when it is not a JPEG, is
// truncated (no EOI after the scan) or does not decode. Messages never name library internals.
Result<cv::Mat> DecodeJpeg(std::string_view bytes, int64_t max_pixels = kMaxJpegPixels);
// Decodes any format imgcodecs reads (PNG, JPEG, …), for replay cameras and tools.
Result<cv::Mat> DecodeImage(std::string_view bytes);
// Baseline JPEG with no metadata segments.
Result<std::string> EncodeJpeg(const cv::Mat& bgr, int quality = 90);

}  // namespace tilsyn::imaging
