#include "imaging/text/text_reader.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <opencv2/imgproc.hpp>

namespace tilsyn::imaging {
namespace {

std::string Trim(std::string s) {
  const char* ws = " \t\r\n\f\v";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

// Keeps the higher-scoring of two lines that overlap mostly (the same text read twice).
std::vector<TextLine> DropDuplicateLines(std::vector<TextLine> lines) {
  std::sort(lines.begin(), lines.end(),
            [](const TextLine& a, const TextLine& b) { return a.score > b.score; });
  std::vector<TextLine> out;
  for (auto& l : lines) {
    bool dup = false;
    for (const auto& o : out) {
      if ((o.box & l.box).area() > 0.6 * std::min(o.box.area(), l.box.area())) dup = true;
    }
    if (!dup) out.push_back(std::move(l));
  }
  return out;
}

}  // namespace

Status TextReaderOptions::Validate() const {
  if (languages.empty() ||
      languages.find_first_not_of("abcdefghijklmnopqrstuvwxyz_+ABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
          std::string::npos) {
    return Status::InvalidArgument("languages must look like dan+eng", "languages");
  }
  // Modes that find text blocks; 0 (OSD only) and 2 (no OCR) return no text.
  if (psm < 1 || psm == 2 || psm > 13)
    return Status::InvalidArgument("psm must be 1 or 3..13", "psm");
  if (min_score < 0 || min_score > 1) {
    return Status::InvalidArgument("min_score must be in [0, 1]", "min_score");
  }
  if (min_side < 0 || min_side > 4096)
    return Status::InvalidArgument("min_side must be 0..4096", "min_side");
  return Status::Ok();
}

Result<std::unique_ptr<TextReader>> TextReader::Open(const TextReaderOptions& o) {
  TILSYN_RETURN_IF_ERROR(o.Validate());
  auto api = std::make_unique<tesseract::TessBaseAPI>();
  if (api->Init(o.tessdata.empty() ? nullptr : o.tessdata.c_str(), o.languages.c_str(),
                tesseract::OEM_LSTM_ONLY) != 0) {
    return Status::FailedPrecondition("Tesseract language data '" + o.languages +
                                          "' not found (install tesseract-ocr-dan and "
                                          "tesseract-ocr-eng, or set tessdata)",
                                      "languages");
  }
  // Keep Tesseract from writing debug files or messages.
  api->SetVariable("debug_file", "/dev/null");
  return std::unique_ptr<TextReader>(new TextReader(o, std::move(api)));
}

TextReader::TextReader(TextReaderOptions o, std::unique_ptr<tesseract::TessBaseAPI> api)
    : options_(std::move(o)), api_(std::move(api)) {}

TextReader::~TextReader() { api_->End(); }

Result<std::vector<TextLine>> TextReader::Read(const cv::Mat& image) {
  if (image.empty() || image.depth() != CV_8U || (image.channels() != 3 && image.channels() != 1)) {
    return Status::InvalidArgument("text reading needs an 8-bit BGR or grayscale image", "image");
  }
  cv::Mat gray;
  double s = 1.0;
  try {
    if (image.channels() == 3)
      cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
    else
      gray = image.clone();
    const int shorter = std::min(gray.cols, gray.rows);
    if (shorter < options_.min_side) {
      s = std::min(4.0, static_cast<double>(options_.min_side) / std::max(1, shorter));
      cv::resize(gray, gray, cv::Size(), s, s, cv::INTER_CUBIC);
    }
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("text reading: preprocessing failed: ") + e.what());
  }
  std::vector<TextLine> lines;
  {
    std::lock_guard<std::mutex> lock(mu_);
    TILSYN_RETURN_IF_ERROR(ReadRegion(gray, cv::Rect(0, 0, gray.cols, gray.rows), options_.psm, s,
                                      image.size(), lines));
    for (const cv::Rect& panel : SignPanels(gray)) {
      TILSYN_RETURN_IF_ERROR(
          ReadRegion(gray, panel, tesseract::PSM_SINGLE_BLOCK, s, image.size(), lines));
    }
  }
  return DropDuplicateLines(std::move(lines));
}

Status TextReader::ReadRegion(const cv::Mat& gray, const cv::Rect& roi, int psm, double s,
                              cv::Size original, std::vector<TextLine>& out) {
  cv::Mat crop = gray(roi).clone();
  api_->SetPageSegMode(static_cast<tesseract::PageSegMode>(psm));
  api_->SetImage(crop.data, crop.cols, crop.rows, 1, static_cast<int>(crop.step));
  if (api_->Recognize(nullptr) != 0) {
    api_->Clear();
    return Status::Internal("tesseract could not recognise the image");
  }
  std::unique_ptr<tesseract::ResultIterator> it(api_->GetIterator());
  const auto level = tesseract::RIL_TEXTLINE;
  const cv::Rect bounds(0, 0, original.width, original.height);
  if (it) {
    do {
      std::unique_ptr<char[]> raw(it->GetUTF8Text(level));
      if (!raw) continue;
      std::string text = Trim(raw.get());
      if (text.empty()) continue;
      const double score = std::clamp(it->Confidence(level) / 100.0, 0.0, 1.0);
      if (score < options_.min_score) continue;
      int x1, y1, x2, y2;
      if (!it->BoundingBox(level, &x1, &y1, &x2, &y2)) continue;
      cv::Rect r(static_cast<int>((roi.x + x1) / s), static_cast<int>((roi.y + y1) / s),
                 static_cast<int>((x2 - x1) / s), static_cast<int>((y2 - y1) / s));
      r &= bounds;
      if (r.empty()) continue;
      out.push_back({std::move(text), score, r});
    } while (it->Next(level));
  }
  api_->Clear();
  return Status::Ok();
}

std::vector<cv::Rect> SignPanels(const cv::Mat& gray) {
  cv::Mat edges;
  cv::Canny(gray, edges, 60, 180);
  cv::dilate(edges, edges, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(edges, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  const double total = static_cast<double>(gray.total());
  std::vector<cv::Rect> out;
  for (const auto& c : contours) {
    const double area = cv::contourArea(c);
    if (area < 0.003 * total || area > 0.6 * total) continue;
    std::vector<cv::Point> poly;
    cv::approxPolyDP(c, poly, 0.03 * cv::arcLength(c, true), true);
    if (poly.size() != 4 || !cv::isContourConvex(poly)) continue;
    cv::Rect r = cv::boundingRect(poly);
    const double aspect = static_cast<double>(r.width) / std::max(1, r.height);
    if (aspect < 0.3 || aspect > 8 || area < 0.6 * r.area()) continue;
    const int inset = std::max(3, std::min(r.width, r.height) / 20);
    r = cv::Rect(r.x + inset, r.y + inset, r.width - 2 * inset, r.height - 2 * inset);
    if (r.width < 16 || r.height < 12) continue;
    bool dup = false;
    for (const cv::Rect& o : out) {
      if ((o & r).area() > 0.8 * std::min(o.area(), r.area())) dup = true;
    }
    if (!dup) out.push_back(r);
  }
  std::sort(out.begin(), out.end(),
            [](const cv::Rect& a, const cv::Rect& b) { return a.area() > b.area(); });
  if (out.size() > 8) out.resize(8);
  return out;
}

}  // namespace tilsyn::imaging
