// OpenCV HOG people detector (Dalal-Triggs default SVM) as an ensemble member for persons.
#include <opencv2/core/version.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "imaging/anonymize/region_detector.h"

namespace tilsyn::imaging {
namespace {

class HogPersonDetector : public RegionDetector {
 public:
  HogPersonDetector(double upscale, int max_side) : upscale_(upscale), max_side_(max_side) {
    hog_.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
    id_ = "hog-person@opencv-" + std::to_string(CV_VERSION_MAJOR) + "." +
          std::to_string(CV_VERSION_MINOR);
  }
  const std::string& id() const override { return id_; }

  Result<std::vector<RegionCandidate>> Detect(const FrameView& f) override {
    const int side = std::max(f.bgr.cols, f.bgr.rows);
    double scale = upscale_;
    if (side * scale > max_side_) scale = static_cast<double>(max_side_) / side;
    cv::Mat img = f.gray_eq;
    if (scale != 1.0) {
      cv::resize(img, img, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    }
    std::vector<RegionCandidate> out;
    if (img.cols < 64 || img.rows < 128) return out;  // smaller than the detection window
    std::vector<cv::Rect> hits;
    std::vector<double> weights;
    hog_.detectMultiScale(img, hits, weights, 0.0, cv::Size(8, 8), cv::Size(), 1.05, 2.0);
    for (size_t i = 0; i < hits.size(); ++i) {
      const cv::Rect& r = hits[i];
      // The HOG window has ~16 px of context around a 96 px person: shrink to the body.
      const cv::Rect body(r.x + r.width / 8, r.y + r.height / 16, r.width * 3 / 4,
                          r.height * 7 / 8);
      const double w = i < weights.size() ? weights[i] : 1.0;
      out.push_back({"person",
                     cv::Rect(static_cast<int>(body.x / scale), static_cast<int>(body.y / scale),
                              static_cast<int>(body.width / scale),
                              static_cast<int>(body.height / scale)),
                     std::clamp(w / 2.0, 0.0, 1.0)});
    }
    return out;
  }

 private:
  cv::HOGDescriptor hog_;
  double upscale_;
  int max_side_;
  std::string id_;
};

}  // namespace

Result<std::unique_ptr<RegionDetector>> NewHogPersonDetector(double upscale, int max_side) {
  try {
    return std::unique_ptr<RegionDetector>(new HogPersonDetector(upscale, max_side));
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("HOG people detector: ") + e.what());
  }
}

}  // namespace tilsyn::imaging
