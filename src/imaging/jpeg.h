// JPEG decoding and metadata-free encoding (OpenCV imgcodecs). Re-encoding is how metadata is
// stripped: cv::imencode writes no EXIF, XMP, IPTC, ICC or thumbnails. Thread-safe.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tilsyn::imaging {

// True when `bytes` start with the JPEG SOI marker.
bool LooksLikeJpeg(std::string_view bytes);
// Decodes to 8-bit BGR. UnsupportedMedia (field "image") when not a decodable JPEG.
Result<cv::Mat> DecodeJpeg(std::string_view bytes);
// Decodes any format imgcodecs reads (PNG, JPEG, …), for replay cameras and tools.
Result<cv::Mat> DecodeImage(std::string_view bytes);
// Baseline JPEG with no metadata segments.
Result<std::string> EncodeJpeg(const cv::Mat& bgr, int quality = 90);

}  // namespace tilsyn::imaging
