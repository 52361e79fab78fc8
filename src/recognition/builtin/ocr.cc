#include "recognition/builtin/ocr.h"

#include "imaging/text/text_reader.h"

namespace tilsyn::recognition {
namespace {

class OcrRecognizer : public Recognizer {
 public:
  OcrRecognizer(const std::string& name, int timeout_ms, std::unique_ptr<imaging::TextReader> reader)
      : reader_(std::move(reader)) {
    info_.name = name;
    info_.type = "ocr";
    info_.labels = {"text"};
    info_.terms = DataTerms::kLocal;
    info_.timeout_ms = timeout_ms;
    info_.cost = 1;
  }

  const ServiceInfo& info() const override { return info_; }

  Result<Recognition> Recognize(const cv::Mat& bgr, const RecognizeRequest& req) override {
    if (bgr.empty() || bgr.depth() != CV_8U || (bgr.channels() != 3 && bgr.channels() != 1)) {
      return Status::InvalidArgument("ocr needs an 8-bit BGR image", "image");
    }
    TILSYN_ASSIGN_OR_RETURN(std::vector<imaging::TextLine> lines, reader_->Read(bgr));
    Recognition out;
    for (imaging::TextLine& l : lines) {
      out.detections.emplace_back("text", l.score,
                                  tasks::Box{l.box.x, l.box.y, l.box.width, l.box.height},
                                  std::move(l.text));
    }
    out.good_enough = IsGoodEnough(out.detections, req);
    out.service = info_.name;
    return out;
  }

 private:
  ServiceInfo info_;
  std::unique_ptr<imaging::TextReader> reader_;
};

}  // namespace

Result<std::unique_ptr<Recognizer>> NewOcrRecognizer(const std::string& name, const Json& settings) {
  if (!settings.is_null() && !settings.is_object()) {
    return Status::InvalidArgument("settings must be an object", "settings");
  }
  const Json s = settings.is_object() ? settings : Json::object();
  imaging::TextReaderOptions o;
  int timeout_ms = 10'000;
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
  if (timeout) timeout_ms = static_cast<int>(*timeout);
  if (Status st = o.Validate(); !st.ok()) return st.WithField("settings." + st.field());
  if (timeout_ms <= 0) return Status::InvalidArgument("timeout_ms must be > 0", "settings.timeout_ms");
  auto reader = imaging::TextReader::Open(o);
  if (!reader.ok()) return reader.status().WithField("settings." + reader.status().field());
  return std::unique_ptr<Recognizer>(new OcrRecognizer(name, timeout_ms, std::move(*reader)));
}

}  // namespace tilsyn::recognition
