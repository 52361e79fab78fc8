#include "recognition/builtin/cascade_detector.h"

#include <cmath>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "recognition/builtin/scaled_boxes.h"

namespace tilsyn::recognition {
namespace {

struct CascadeOptions {
  std::string path;
  std::string label;
  double scale_factor = 1.1;
  int min_neighbors = 3;
  int min_width = 24, min_height = 48;
  int min_side = 400;
  double min_score = 0.2;
  int timeout_ms = 10'000;
};

class CascadeDetector : public Recognizer {
 public:
  CascadeDetector(const std::string& name, CascadeOptions o, cv::CascadeClassifier cascade)
      : options_(std::move(o)), cascade_(std::move(cascade)) {
    info_.name = name;
    info_.type = "cascade";
    info_.labels = {options_.label};
    info_.terms = DataTerms::kLocal;
    info_.timeout_ms = options_.timeout_ms;
    info_.cost = 1;
  }

  const ServiceInfo& info() const override { return info_; }

  Result<Recognition> Recognize(const cv::Mat& bgr, const RecognizeRequest& req) override {
    if (bgr.empty() || bgr.type() != CV_8UC3) {
      return Status::InvalidArgument("cascade needs an 8-bit BGR image", "image");
    }
    const int shorter = std::min(bgr.cols, bgr.rows);
    const double s = shorter < options_.min_side
                         ? static_cast<double>(options_.min_side) / std::max(1, shorter)
                         : 1.0;
    std::vector<cv::Rect> found;
    std::vector<int> levels;
    std::vector<double> weights;
    try {
      cv::Mat gray;
      cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
      if (s != 1.0) cv::resize(gray, gray, cv::Size(), s, s, cv::INTER_LINEAR);
      cv::equalizeHist(gray, gray);
      std::lock_guard<std::mutex> lock(mu_);
      cascade_.detectMultiScale(gray, found, levels, weights, options_.scale_factor,
                                options_.min_neighbors, 0,
                                cv::Size(options_.min_width, options_.min_height), cv::Size(),
                                /*outputRejectLevels=*/true);
    } catch (const cv::Exception& e) {
      return Status::Internal(std::string("cascade failed: ") + e.what());
    }
    std::vector<double> scores;
    for (size_t i = 0; i < found.size(); ++i) {
      scores.push_back(CascadeScore(i < weights.size() ? weights[i] : 0.0));
    }
    return ScaledBoxesToRecognition(found, scores, s, bgr.size(), options_.label, options_.min_score, req,
                                    info_.name);
  }

 private:
  ServiceInfo info_;
  CascadeOptions options_;
  std::mutex mu_;
  cv::CascadeClassifier cascade_;
};

}  // namespace

double CascadeScore(double level_weight) {
  return 1.0 / (1.0 + std::exp(-1.5 * (level_weight - 0.5)));
}

Result<std::unique_ptr<Recognizer>> NewCascadeDetector(const std::string& name,
                                                       const Json& settings) {
  if (!settings.is_object()) {
    return Status::InvalidArgument("settings must be an object", "settings");
  }
  CascadeOptions o;
  TILSYN_ASSIGN_OR_RETURN(std::string file, GetString(settings, "cascade", "settings.cascade"));
  TILSYN_ASSIGN_OR_RETURN(o.label, GetString(settings, "label", "settings.label"));
  TILSYN_ASSIGN_OR_RETURN(auto dir, GetOptString(settings, "cascade_dir", "settings.cascade_dir"));
  TILSYN_ASSIGN_OR_RETURN(auto sf, GetOptNumber(settings, "scale_factor", "settings.scale_factor"));
  TILSYN_ASSIGN_OR_RETURN(auto mn, GetOptInt(settings, "min_neighbors", "settings.min_neighbors"));
  TILSYN_ASSIGN_OR_RETURN(auto mw, GetOptInt(settings, "min_width", "settings.min_width"));
  TILSYN_ASSIGN_OR_RETURN(auto mh, GetOptInt(settings, "min_height", "settings.min_height"));
  TILSYN_ASSIGN_OR_RETURN(auto ms, GetOptInt(settings, "min_side", "settings.min_side"));
  TILSYN_ASSIGN_OR_RETURN(auto score, GetOptNumber(settings, "min_score", "settings.min_score"));
  TILSYN_ASSIGN_OR_RETURN(auto timeout, GetOptInt(settings, "timeout_ms", "settings.timeout_ms"));
  if (file.empty() || file.find("..") != std::string::npos) {
    return Status::InvalidArgument("cascade must name a cascade file", "settings.cascade");
  }
  if (o.label.empty()) return Status::InvalidArgument("label is empty", "settings.label");
  o.path = file[0] == '/' ? file : dir.value_or("/usr/share/opencv4/haarcascades") + "/" + file;
  if (sf) o.scale_factor = *sf;
  if (mn) o.min_neighbors = static_cast<int>(*mn);
  if (mw) o.min_width = static_cast<int>(*mw);
  if (mh) o.min_height = static_cast<int>(*mh);
  if (ms) o.min_side = static_cast<int>(*ms);
  if (score) o.min_score = *score;
  if (timeout) o.timeout_ms = static_cast<int>(*timeout);
  if (o.scale_factor <= 1.0 || o.scale_factor > 2.0) {
    return Status::InvalidArgument("scale_factor must be in (1, 2]", "settings.scale_factor");
  }
  if (o.min_neighbors < 0) {
    return Status::InvalidArgument("min_neighbors must be >= 0", "settings.min_neighbors");
  }
  if (o.min_width < 1 || o.min_height < 1) {
    return Status::InvalidArgument("min size must be positive", "settings.min_width");
  }
  if (o.min_side < 16 || o.min_side > 4096) {
    return Status::InvalidArgument("min_side must be 16..4096", "settings.min_side");
  }
  if (o.timeout_ms <= 0) {
    return Status::InvalidArgument("timeout_ms must be > 0", "settings.timeout_ms");
  }
  cv::CascadeClassifier cascade;
  try {
    if (!cascade.load(o.path)) return Status::NotFound("cannot load cascade " + o.path);
  } catch (const cv::Exception& e) {
    return Status::NotFound("cannot load cascade " + o.path + ": " + e.what());
  }
  return std::unique_ptr<Recognizer>(new CascadeDetector(name, std::move(o), std::move(cascade)));
}

}  // namespace tilsyn::recognition
