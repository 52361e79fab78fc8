#include "recognition/builtin/ocr.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <mutex>
#include <opencv2/imgproc.hpp>

namespace tilsyn::recognition {
namespace {

struct OcrOptions {
  std::string languages = "dan+eng";
  std::string tessdata;  // "" = Tesseract's default
  int psm = 11;
  double min_score = 0.3;
  int min_side = 600;
  int timeout_ms = 10'000;
};

std::string Trim(std::string s) {
  const char* ws = " \t\r\n\f\v";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

std::vector<cv::Rect> SignPanels(const cv::Mat& gray);
std::vector<tasks::Detection> DropDuplicateLines(std::vector<tasks::Detection> dets);

class OcrRecognizer : public Recognizer {
 public:
  OcrRecognizer(const std::string& name, OcrOptions o, std::unique_ptr<tesseract::TessBaseAPI> api)
      : options_(std::move(o)), api_(std::move(api)) {
    info_.name = name;
    info_.type = "ocr";
    info_.labels = {"text"};
    info_.terms = DataTerms::kLocal;
    info_.timeout_ms = options_.timeout_ms;
    info_.cost = 1;
  }
  ~OcrRecognizer() override { api_->End(); }

  const ServiceInfo& info() const override { return info_; }

  Result<Recognition> Recognize(const cv::Mat& bgr, const RecognizeRequest& req) override {
    if (bgr.empty() || bgr.depth() != CV_8U || (bgr.channels() != 3 && bgr.channels() != 1)) {
      return Status::InvalidArgument("ocr needs an 8-bit BGR image", "image");
    }
    cv::Mat gray;
    double s = 1.0;
    try {
      if (bgr.channels() == 3) cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
      else gray = bgr.clone();
      const int shorter = std::min(gray.cols, gray.rows);
      if (shorter < options_.min_side) {
        s = static_cast<double>(options_.min_side) / std::max(1, shorter);
        s = std::min(s, 4.0);
        cv::resize(gray, gray, cv::Size(), s, s, cv::INTER_CUBIC);
      }
    } catch (const cv::Exception& e) {
      return Status::Internal(std::string("ocr preprocessing failed: ") + e.what());
    }
    std::vector<tasks::Detection> dets;
    {
      std::lock_guard<std::mutex> lock(mu_);
      // The whole view, then each sign-like panel on its own as one block of text: Tesseract's
      // page layout analysis often loses a sign among the clutter of a street scene.
      TILSYN_RETURN_IF_ERROR(ReadLines(gray, cv::Rect(0, 0, gray.cols, gray.rows), options_.psm, s,
                                       bgr.size(), dets));
      for (const cv::Rect& panel : SignPanels(gray)) {
        TILSYN_RETURN_IF_ERROR(ReadLines(gray, panel, tesseract::PSM_SINGLE_BLOCK, s, bgr.size(), dets));
      }
    }
    dets = DropDuplicateLines(std::move(dets));
    Recognition out;
    out.detections = std::move(dets);
    out.good_enough = IsGoodEnough(out.detections, req);
    out.service = info_.name;
    return out;
  }

 private:
  // OCRs `roi` of `gray` (working scale `s`) and appends its lines in original-image pixels.
  // Called with mu_ held.
  Status ReadLines(const cv::Mat& gray, const cv::Rect& roi, int psm, double s, cv::Size original,
                   std::vector<tasks::Detection>& dets) {
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
        dets.emplace_back("text", score, tasks::Box{r.x, r.y, r.width, r.height}, std::move(text));
      } while (it->Next(level));
    }
    api_->Clear();
    return Status::Ok();
  }

  ServiceInfo info_;
  OcrOptions options_;
  std::mutex mu_;
  std::unique_ptr<tesseract::TessBaseAPI> api_;
};

// Sign-like panels: convex quadrilateral contours of strong edges covering 0.3%..60% of the view
// with a plausible aspect ratio, as rectangles shrunk inside their border. At most 8, largest first.
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
  std::sort(out.begin(), out.end(), [](const cv::Rect& a, const cv::Rect& b) { return a.area() > b.area(); });
  if (out.size() > 8) out.resize(8);
  return out;
}

// Keeps the higher-scoring of two lines that overlap mostly (the same text read twice).
std::vector<tasks::Detection> DropDuplicateLines(std::vector<tasks::Detection> dets) {
  std::sort(dets.begin(), dets.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
  std::vector<tasks::Detection> out;
  for (auto& d : dets) {
    const cv::Rect r(d.box.x, d.box.y, d.box.w, d.box.h);
    bool dup = false;
    for (const auto& o : out) {
      const cv::Rect q(o.box.x, o.box.y, o.box.w, o.box.h);
      if ((q & r).area() > 0.6 * std::min(q.area(), r.area())) dup = true;
    }
    if (!dup) out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Recognizer>> NewOcrRecognizer(const std::string& name, const Json& settings) {
  if (!settings.is_null() && !settings.is_object()) {
    return Status::InvalidArgument("settings must be an object", "settings");
  }
  const Json s = settings.is_object() ? settings : Json::object();
  OcrOptions o;
  TILSYN_ASSIGN_OR_RETURN(auto langs, GetOptString(s, "languages", "settings.languages"));
  TILSYN_ASSIGN_OR_RETURN(auto data, GetOptString(s, "tessdata", "settings.tessdata"));
  TILSYN_ASSIGN_OR_RETURN(auto psm, GetOptInt(s, "psm", "settings.psm"));
  TILSYN_ASSIGN_OR_RETURN(auto min_score, GetOptNumber(s, "min_score", "settings.min_score"));
  TILSYN_ASSIGN_OR_RETURN(auto min_side, GetOptInt(s, "min_side", "settings.min_side"));
  TILSYN_ASSIGN_OR_RETURN(auto timeout, GetOptInt(s, "timeout_ms", "settings.timeout_ms"));
  if (langs) o.languages = *langs;
  if (data) o.tessdata = *data;
  if (psm) o.psm = static_cast<int>(*psm);
  if (min_score) o.min_score = *min_score;
  if (min_side) o.min_side = static_cast<int>(*min_side);
  if (timeout) o.timeout_ms = static_cast<int>(*timeout);
  if (o.languages.empty() || o.languages.find_first_not_of(
                                 "abcdefghijklmnopqrstuvwxyz_+ABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
                                 std::string::npos) {
    return Status::InvalidArgument("languages must look like dan+eng", "settings.languages");
  }
  // Modes that find text blocks; 0 (OSD only) and 2 (no OCR) return no text.
  if (o.psm < 1 || o.psm == 2 || o.psm > 13) {
    return Status::InvalidArgument("psm must be 1 or 3..13", "settings.psm");
  }
  if (o.min_score < 0 || o.min_score > 1) {
    return Status::InvalidArgument("min_score must be in [0, 1]", "settings.min_score");
  }
  if (o.min_side < 0 || o.min_side > 4096) {
    return Status::InvalidArgument("min_side must be 0..4096", "settings.min_side");
  }
  if (o.timeout_ms <= 0) return Status::InvalidArgument("timeout_ms must be > 0", "settings.timeout_ms");
  auto api = std::make_unique<tesseract::TessBaseAPI>();
  if (api->Init(o.tessdata.empty() ? nullptr : o.tessdata.c_str(), o.languages.c_str(),
                tesseract::OEM_LSTM_ONLY) != 0) {
    return Status::FailedPrecondition("Tesseract language data '" + o.languages +
                                          "' not found (install tesseract-ocr-dan and "
                                          "tesseract-ocr-eng, or set tessdata)",
                                      "settings.languages");
  }
  // Keep Tesseract from writing debug files or messages.
  api->SetVariable("debug_file", "/dev/null");
  return std::unique_ptr<Recognizer>(new OcrRecognizer(name, std::move(o), std::move(api)));
}

}  // namespace tilsyn::recognition
