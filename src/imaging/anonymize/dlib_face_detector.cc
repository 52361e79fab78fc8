// dlib's HOG frontal face detector (libdlib-dev) as an ensemble member. dlib's heavy headers stay
// in this file.
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/revision.h>
#include <cstring>
#include <opencv2/imgproc.hpp>

#include "imaging/anonymize/region_detector.h"

namespace tilsyn::imaging {
namespace {

class DlibHogFaceDetector : public RegionDetector {
 public:
  DlibHogFaceDetector(int upsample, int max_side)
      : detector_(dlib::get_frontal_face_detector()), upsample_(upsample), max_side_(max_side) {
    id_ = "dlib-hog-face@dlib-" + std::to_string(DLIB_MAJOR_VERSION) + "." +
          std::to_string(DLIB_MINOR_VERSION);
  }
  const std::string& id() const override { return id_; }

  Result<std::vector<RegionCandidate>> Detect(const FrameView& f) override {
    cv::Mat gray = f.gray_eq;
    double scale = 1.0;
    const int side = std::max(gray.cols, gray.rows);
    if (side > max_side_) {
      scale = static_cast<double>(max_side_) / side;
      cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
    }
    std::vector<RegionCandidate> out;
    try {
      dlib::array2d<unsigned char> work(gray.rows, gray.cols);
      for (int y = 0; y < gray.rows; ++y) std::memcpy(&work[y][0], gray.ptr(y), gray.cols);
      double up = 1.0;
      for (int i = 0; i < upsample_; ++i) {
        dlib::pyramid_up(work);
        up *= 2.0;
      }
      std::vector<dlib::rect_detection> dets;
      detector_(work, dets, 0.0);
      const double k = 1.0 / (up * scale);
      for (const auto& d : dets) {
        const dlib::rectangle& r = d.rect;
        out.push_back({"face",
                       cv::Rect(static_cast<int>(r.left() * k), static_cast<int>(r.top() * k),
                                static_cast<int>(std::ceil(r.width() * k)),
                                static_cast<int>(std::ceil(r.height() * k))),
                       std::clamp(0.5 + d.detection_confidence / 2.0, 0.0, 1.0)});
      }
    } catch (const std::exception& e) {
      return Status::Internal(std::string("dlib face detector: ") + e.what());
    }
    return out;
  }

 private:
  dlib::frontal_face_detector detector_;
  int upsample_;
  int max_side_;
  std::string id_;
};

}  // namespace

Result<std::unique_ptr<RegionDetector>> NewDlibHogFaceDetector(int upsample, int max_side) {
  try {
    return std::unique_ptr<RegionDetector>(new DlibHogFaceDetector(upsample, max_side));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("dlib face detector: ") + e.what());
  }
}

}  // namespace tilsyn::imaging
