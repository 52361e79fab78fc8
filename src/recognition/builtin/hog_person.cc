#include "recognition/builtin/hog_person.h"

#include <cmath>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "recognition/builtin/scaled_boxes.h"

namespace tilsyn::recognition {
namespace {

class HogPersonRecognizer : public Recognizer {
 public:
  HogPersonRecognizer(const std::string& name, HogPersonOptions o) : options_(o) {
    info_.name = name;
    info_.type = "hog-person";
    info_.labels = {"person"};
    info_.terms = DataTerms::kLocal;
    info_.timeout_ms = o.timeout_ms;
    info_.cost = 1;
    hog_.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
  }

  const ServiceInfo& info() const override { return info_; }

  Result<Recognition> Recognize(const cv::Mat& bgr, const RecognizeRequest& req) override {
    if (bgr.empty() || bgr.type() != CV_8UC3) {
      return Status::InvalidArgument("hog-person needs an 8-bit BGR image", "image");
    }
    const int shorter = std::min(bgr.cols, bgr.rows);
    const int longer = std::max(bgr.cols, bgr.rows);
    double s = 1.0;
    if (shorter < options_.min_side) {
      s = static_cast<double>(options_.min_side) / std::max(1, shorter);
    } else if (longer > options_.max_side) {
      s = static_cast<double>(options_.max_side) / longer;
    }
    std::vector<cv::Rect> found;
    std::vector<double> weights;
    try {
      cv::Mat img = bgr;
      if (s != 1.0) {
        cv::resize(bgr, img, cv::Size(), s, s, s < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
      }
      std::lock_guard<std::mutex> lock(mu_);
      hog_.detectMultiScale(img, found, weights, options_.hit_threshold, cv::Size(8, 8),
                            cv::Size(16, 16), options_.scale, options_.group_threshold);
    } catch (const cv::Exception& e) {
      return Status::Internal(std::string("hog-person failed: ") + e.what());
    }
    std::vector<double> scores;
    for (size_t i = 0; i < found.size(); ++i) {
      scores.push_back(HogScore(i < weights.size() ? weights[i] : 0.0));
    }
    return ScaledBoxesToRecognition(found, scores, s, bgr.size(), "person", options_.min_score, req,
                                    info_.name);
  }

 private:
  ServiceInfo info_;
  HogPersonOptions options_;
  std::mutex mu_;
  cv::HOGDescriptor hog_;
};

}  // namespace

double HogScore(double svm_weight) { return 1.0 / (1.0 + std::exp(-2.5 * (svm_weight - 0.5))); }

Result<std::unique_ptr<Recognizer>> NewHogPersonRecognizer(const std::string& name,
                                                           const Json& settings) {
  HogPersonOptions o;
  if (!settings.is_null() && !settings.is_object()) {
    return Status::InvalidArgument("settings must be an object", "settings");
  }
  const Json s = settings.is_object() ? settings : Json::object();
  TILSYN_ASSIGN_OR_RETURN(auto min_side, GetOptInt(s, "min_side", "settings.min_side"));
  TILSYN_ASSIGN_OR_RETURN(auto max_side, GetOptInt(s, "max_side", "settings.max_side"));
  TILSYN_ASSIGN_OR_RETURN(auto scale, GetOptNumber(s, "scale", "settings.scale"));
  TILSYN_ASSIGN_OR_RETURN(auto hit, GetOptNumber(s, "hit_threshold", "settings.hit_threshold"));
  TILSYN_ASSIGN_OR_RETURN(auto group,
                          GetOptInt(s, "group_threshold", "settings.group_threshold"));
  TILSYN_ASSIGN_OR_RETURN(auto min_score, GetOptNumber(s, "min_score", "settings.min_score"));
  TILSYN_ASSIGN_OR_RETURN(auto timeout, GetOptInt(s, "timeout_ms", "settings.timeout_ms"));
  if (min_side) o.min_side = static_cast<int>(*min_side);
  if (max_side) o.max_side = static_cast<int>(*max_side);
  if (scale) o.scale = *scale;
  if (hit) o.hit_threshold = *hit;
  if (group) o.group_threshold = static_cast<int>(*group);
  if (min_score) o.min_score = *min_score;
  if (timeout) o.timeout_ms = static_cast<int>(*timeout);
  if (o.min_side < 64 || o.min_side > 4096) {
    return Status::InvalidArgument("min_side must be 64..4096", "settings.min_side");
  }
  if (o.max_side < o.min_side) {
    return Status::InvalidArgument("max_side must be >= min_side", "settings.max_side");
  }
  if (o.scale <= 1.0 || o.scale > 2.0) {
    return Status::InvalidArgument("scale must be in (1, 2]", "settings.scale");
  }
  if (o.group_threshold < 0) {
    return Status::InvalidArgument("group_threshold must be >= 0", "settings.group_threshold");
  }
  if (o.timeout_ms <= 0) {
    return Status::InvalidArgument("timeout_ms must be > 0", "settings.timeout_ms");
  }
  return std::unique_ptr<Recognizer>(new HogPersonRecognizer(name, o));
}

}  // namespace tilsyn::recognition
