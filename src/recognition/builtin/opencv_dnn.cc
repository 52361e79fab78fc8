#include "recognition/builtin/opencv_dnn.h"

#include <algorithm>
#include <set>

#include "imaging/dnn_detector.h"

namespace tilsyn::recognition {
namespace {

class OpenCvDnnRecognizer : public Recognizer {
 public:
  OpenCvDnnRecognizer(const std::string& name, imaging::ModelSpec calibration,
                      std::unique_ptr<imaging::DnnDetector> detector, OpenCvDnnOptions o)
      : calibration_(std::move(calibration)), detector_(std::move(detector)) {
    info_.name = name;
    info_.type = "opencv-dnn";
    std::set<std::string> seen;
    for (const std::string& raw : calibration_.labels) {
      const std::string mapped = calibration_.MapLabel(raw);
      if (mapped.empty() || !Serves(o.labels, mapped)) continue;
      if (seen.insert(mapped).second) info_.labels.push_back(mapped);
    }
    served_ = std::move(o.labels);
    info_.terms = DataTerms::kLocal;
    info_.timeout_ms = o.timeout_ms;
    info_.cost = 1;
    for (const auto& [label, q] : calibration_.label_quality) {
      if (Serves(served_, label)) info_.label_quality[label] = q;
    }
  }

  const ServiceInfo& info() const override { return info_; }

  Result<Recognition> Recognize(const cv::Mat& bgr, const RecognizeRequest& req) override {
    if (bgr.empty() || bgr.depth() != CV_8U || (bgr.channels() != 3 && bgr.channels() != 1)) {
      return Status::InvalidArgument("opencv-dnn needs an 8-bit BGR image", "image");
    }
    TILSYN_ASSIGN_OR_RETURN(std::vector<tasks::Detection> raw, detector_->Detect(bgr));
    Recognition out;
    for (tasks::Detection& d : raw) {
      if (!Serves(served_, d.label)) continue;
      d.score = CalibrateScore(d.score, calibration_.ThresholdFor(d.label));
      out.detections.push_back(std::move(d));
    }
    std::sort(
        out.detections.begin(), out.detections.end(),
        [](const tasks::Detection& a, const tasks::Detection& b) { return a.score > b.score; });
    out.good_enough = IsGoodEnough(out.detections, req);
    out.service = info_.name;
    return out;
  }

 private:
  static bool Serves(const std::vector<std::string>& served, const std::string& label) {
    return served.empty() || std::find(served.begin(), served.end(), label) != served.end();
  }

  ServiceInfo info_;
  std::vector<std::string> served_;  // empty: every label
  imaging::ModelSpec calibration_;   // the manifest's thresholds
  std::unique_ptr<imaging::DnnDetector> detector_;
};

}  // namespace

Result<std::unique_ptr<Recognizer>> NewOpenCvDnnRecognizer(const std::string& name,
                                                           const imaging::ModelSpec& spec,
                                                           OpenCvDnnOptions options) {
  if (!(options.report_ratio > 0 && options.report_ratio <= 1)) {
    return Status::InvalidArgument("report_ratio must be in (0, 1]", "settings.report_ratio");
  }
  if (options.timeout_ms <= 0) {
    return Status::InvalidArgument("timeout_ms must be > 0", "settings.timeout_ms");
  }
  for (size_t i = 0; i < options.labels.size(); ++i) {
    bool known = false;
    for (const std::string& raw : spec.labels)
      known = known || spec.MapLabel(raw) == options.labels[i];
    if (!known) {
      return Status::InvalidArgument(
          "model '" + spec.name + "' has no label '" + options.labels[i] + "'",
          "settings.labels[" + std::to_string(i) + "]");
    }
  }
  // The detector reports down to report_ratio * threshold; calibration uses the thresholds.
  imaging::ModelSpec lowered = spec;
  for (auto& [label, t] : lowered.thresholds) t *= options.report_ratio;
  lowered.default_threshold *= options.report_ratio;
  auto det = imaging::DnnDetector::Create(lowered);
  if (!det.ok()) return det.status().Annotate("opencv-dnn model '" + spec.name + "'");
  return std::unique_ptr<Recognizer>(new OpenCvDnnRecognizer(name, spec, std::move(*det), options));
}

Result<std::unique_ptr<Recognizer>> NewOpenCvDnnRecognizer(const std::string& name,
                                                           const Json& settings) {
  if (!settings.is_object())
    return Status::InvalidArgument("settings must be an object", "settings");
  TILSYN_ASSIGN_OR_RETURN(std::string pack, GetString(settings, "pack", "settings.pack"));
  TILSYN_ASSIGN_OR_RETURN(auto manifest, GetOptString(settings, "manifest", "settings.manifest"));
  TILSYN_ASSIGN_OR_RETURN(auto model, GetOptString(settings, "model", "settings.model"));
  TILSYN_ASSIGN_OR_RETURN(auto ratio,
                          GetOptNumber(settings, "report_ratio", "settings.report_ratio"));
  TILSYN_ASSIGN_OR_RETURN(auto timeout, GetOptInt(settings, "timeout_ms", "settings.timeout_ms"));
  auto loaded =
      manifest ? imaging::LoadModelPackManifest(*manifest, pack) : imaging::LoadModelPack(pack);
  if (!loaded.ok()) {
    const std::string field = manifest ? "settings.manifest" : "settings.pack";
    const std::string inner = loaded.status().field();
    return loaded.status()
        .Annotate("model pack" + (inner.empty() ? std::string() : " field " + inner))
        .WithField(field);
  }
  const imaging::ModelSpec* spec = nullptr;
  if (model) {
    for (const auto& m : loaded->models) {
      if (m.name == *model) spec = &m;
    }
    if (!spec)
      return Status::InvalidArgument("no model '" + *model + "' in the pack", "settings.model");
  } else {
    std::vector<const imaging::ModelSpec*> rec;
    for (const auto& m : loaded->models) {
      if (m.purpose.empty() || m.HasPurpose("recognition")) rec.push_back(&m);
    }
    if (rec.size() != 1) {
      return Status::InvalidArgument(
          "the pack has " + std::to_string(rec.size()) + " recognition models: name one",
          "settings.model");
    }
    spec = rec[0];
  }
  OpenCvDnnOptions o;
  TILSYN_ASSIGN_OR_RETURN(auto labels, GetOptStringList(settings, "labels", "settings.labels"));
  if (labels) {
    if (labels->empty()) return Status::InvalidArgument("must not be empty", "settings.labels");
    o.labels = std::move(*labels);
  }
  if (ratio) o.report_ratio = *ratio;
  if (timeout) o.timeout_ms = static_cast<int>(*timeout);
  return NewOpenCvDnnRecognizer(name, *spec, o);
}

}  // namespace tilsyn::recognition
