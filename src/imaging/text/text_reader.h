// TextReader: Tesseract 5 (libtesseract, LSTM engine) reading the text lines of a street image,
// shared by the "ocr" recognition service (recognition/builtin/ocr.h) and the anonymizer's
// protected evidence (imaging/text/protected_text.h), so that the text a task checks is read the
// same way on the vehicle and on the server.
//
// The whole view is read with the configured page segmentation mode, then each sign-like panel
// (a convex quadrilateral of strong edges) on its own as one block of text: Tesseract's page
// layout analysis often loses a sign among the clutter of a street scene. A line read twice is
// kept once (the higher score). Scores are Tesseract's line confidence / 100.
// Thread-safe: one TessBaseAPI behind a mutex.
#pragma once

#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/result.h"

namespace tesseract {
class TessBaseAPI;
}

namespace tilsyn::imaging {

struct TextLine {
  std::string text;  // UTF-8, trimmed
  double score = 0;  // 0..1
  cv::Rect box;      // in the input image's pixels
};

struct TextReaderOptions {
  std::string languages = "dan+eng";  // Tesseract language data (tesseract-ocr-dan, -eng)
  std::string tessdata;               // "" = Tesseract's default search path
  int psm = 11;                       // page segmentation of the whole view (11 = sparse text)
  double min_score = 0.3;             // lines below are dropped
  int min_side = 600;                 // smaller images are scaled up (at most 4x) to this side

  // InvalidArgument naming the field.
  Status Validate() const;
};

class TextReader {
 public:
  // FailedPrecondition (field "languages") when the language data is missing.
  static Result<std::unique_ptr<TextReader>> Open(const TextReaderOptions& o);
  ~TextReader();

  // The lines of an 8-bit BGR or grayscale image; InvalidArgument for other images.
  Result<std::vector<TextLine>> Read(const cv::Mat& image);

 private:
  TextReader(TextReaderOptions o, std::unique_ptr<tesseract::TessBaseAPI> api);
  Status ReadRegion(const cv::Mat& gray, const cv::Rect& roi, int psm, double scale,
                    cv::Size original, std::vector<TextLine>& out);

  TextReaderOptions options_;
  std::mutex mu_;  // guards api_
  std::unique_ptr<tesseract::TessBaseAPI> api_;
};

// Sign-like panels of a grayscale image: convex quadrilateral contours of strong edges covering
// 0.3%..60% of the view with a plausible aspect ratio, shrunk inside their border. At most 8,
// largest first.
std::vector<cv::Rect> SignPanels(const cv::Mat& gray);

}  // namespace tilsyn::imaging
