// RegionDetector: one detector of the anonymizer ensemble (faces, plates, persons). Each returns
// candidate boxes in the analysed image's pixels with the class they count as. Implementations:
// Haar cascades (opencv-data), OpenCV's HOG people detector, dlib's HOG face detector, and any
// model-pack / BlazeFace network through DnnDetector (with tiling for small objects).
// Instances are not thread-safe (cascades and HOG keep state): one per anonymizer.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "imaging/model_pack.h"

namespace tilsyn::imaging {

struct RegionCandidate {
  std::string cls;  // face | plate | person
  cv::Rect box;
  double score = 1;
};

// What every detector gets: the colour image and a shared equalised grayscale copy.
struct FrameView {
  const cv::Mat& bgr;
  const cv::Mat& gray_eq;
};

class RegionDetector {
 public:
  virtual ~RegionDetector() = default;
  // "name@version" for the report.
  virtual const std::string& id() const = 0;
  virtual Result<std::vector<RegionCandidate>> Detect(const FrameView& f) = 0;
};

// Haar cascade from `path`; `mirrored` also searches the flipped image (profile faces).
// `upscale` > 1 also searches an enlarged copy of the image for objects under `small_px`.
struct HaarParams {
  std::string name, cls, path;
  bool mirrored = false;
  int min_neighbors = 4;
  cv::Size min_size{16, 16};
  double scale_factor = 1.1;
  int max_side = 1920;  // larger images are searched on a downscaled copy
};
Result<std::unique_ptr<RegionDetector>> NewHaarDetector(const HaarParams& p);

// OpenCV's default HOG + linear SVM people detector (64x128 window). `upscale` enlarges the
// image first so that people from 64 px tall are found.
Result<std::unique_ptr<RegionDetector>> NewHogPersonDetector(double upscale, int max_side);

// dlib::get_frontal_face_detector (HOG), `upsample` pyramid-up steps (each doubles the size and
// halves the smallest face found: about 80 px at 0, 40 px at 1).
Result<std::unique_ptr<RegionDetector>> NewDlibHogFaceDetector(int upsample, int max_side);

// A DnnDetector over `spec`; detections whose mapped label is face, plate or person are kept.
// `tile` > 0 additionally runs the network on overlapping tiles of about `tile` px (small faces
// for fixed-input networks such as BlazeFace and UltraFace). `spec.tile_grid` > 1 adds that grid
// of overlapping tiles (see ModelSpec).
Result<std::unique_ptr<RegionDetector>> NewDnnRegionDetector(const ModelSpec& spec, int tile);

}  // namespace tilsyn::imaging
