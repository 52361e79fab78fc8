// JPEG ingest: the header is read before decoding (pixel limit), truncated or corrupt files are
// refused, and what decodes re-encodes to a JPEG without metadata that reads back the same size.
#include "fuzz/fuzz_util.h"
#include "imaging/jpeg.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tilsyn;
  const std::string_view bytes = fuzz::Text(data, size);
  Result<imaging::JpegInfo> info = imaging::InspectJpeg(bytes);
  if (!info.ok()) return 0;
  // Keep each run quick: the fuzzer explores headers, not megapixels.
  if (static_cast<int64_t>(info->width) * info->height > 1'000'000) return 0;
  Result<cv::Mat> img = imaging::DecodeJpeg(bytes);
  if (!img.ok()) return 0;
  fuzz::Require(img->cols == info->width && img->rows == info->height,
                "the decoded size is the header's");
  Result<std::string> out = imaging::EncodeJpeg(*img);
  fuzz::Require(out.ok(), "a decoded image encodes");
  Result<imaging::JpegInfo> again = imaging::InspectJpeg(*out);
  fuzz::Require(again.ok() && again->width == info->width && again->height == info->height,
                "the re-encoded JPEG reads back");
  fuzz::Require(out->find("Exif") == std::string::npos, "no EXIF in what we write");
  return 0;
}
