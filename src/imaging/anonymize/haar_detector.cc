// Haar cascade region detector (opencv-data): frontal/profile faces, Russian-style plates.
#include <opencv2/core/version.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "imaging/anonymize/region_detector.h"

namespace tilsyn::imaging {
namespace {

class HaarDetector : public RegionDetector {
 public:
  explicit HaarDetector(HaarParams p) : p_(std::move(p)) {
    id_ = p_.name + "@opencv-" + std::to_string(CV_VERSION_MAJOR) + "." +
          std::to_string(CV_VERSION_MINOR);
  }
  bool Load() { return cascade_.load(p_.path); }
  const std::string& id() const override { return id_; }

  Result<std::vector<RegionCandidate>> Detect(const FrameView& f) override {
    cv::Mat gray = f.gray_eq;
    double scale = 1.0;
    const int side = std::max(gray.cols, gray.rows);
    if (side > p_.max_side) {
      scale = static_cast<double>(p_.max_side) / side;
      cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
    }
    std::vector<cv::Rect> hits;
    cascade_.detectMultiScale(gray, hits, p_.scale_factor, p_.min_neighbors, 0, p_.min_size);
    if (p_.mirrored) {
      cv::Mat flipped;
      cv::flip(gray, flipped, 1);
      std::vector<cv::Rect> more;
      cascade_.detectMultiScale(flipped, more, p_.scale_factor, p_.min_neighbors, 0, p_.min_size);
      for (const cv::Rect& r : more) {
        hits.emplace_back(gray.cols - r.x - r.width, r.y, r.width, r.height);
      }
    }
    std::vector<RegionCandidate> out;
    for (const cv::Rect& r : hits) {
      out.push_back({p_.cls,
                     cv::Rect(static_cast<int>(r.x / scale), static_cast<int>(r.y / scale),
                              static_cast<int>(std::ceil(r.width / scale)),
                              static_cast<int>(std::ceil(r.height / scale))),
                     1.0});
    }
    return out;
  }

 private:
  HaarParams p_;
  std::string id_;
  cv::CascadeClassifier cascade_;
};

}  // namespace

Result<std::unique_ptr<RegionDetector>> NewHaarDetector(const HaarParams& p) {
  auto d = std::make_unique<HaarDetector>(p);
  try {
    if (!d->Load()) return Status::NotFound("cannot load cascade " + p.path, "cascade_dir");
  } catch (const cv::Exception& e) {
    return Status::NotFound("cannot load cascade " + p.path + ": " + e.what(), "cascade_dir");
  }
  return std::unique_ptr<RegionDetector>(std::move(d));
}

}  // namespace tilsyn::imaging
