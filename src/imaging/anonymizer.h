// Anonymizer: finds personal features (faces, licence plates, …) in an image held in memory and
// blurs them in place, before any pixel is written or sent (privacy invariant 2). Used on the
// vehicle and again on the server. This module's default uses OpenCV's Haar cascades from the
// opencv-data package; the privacy issue adds an ensemble and model packs behind this seam.
// Instances are not thread-safe (cascades keep state): one per thread.
#pragma once

#include <map>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"

namespace tilsyn::imaging {

struct AnonymizationReport {
  std::map<std::string, int> counts;   // class -> regions blurred, e.g. {"face": 2, "plate": 1}
  std::vector<std::string> detectors;  // name@version of each detector run
  double ms = 0;
  Json ToJson() const;
};

class Anonymizer {
 public:
  virtual ~Anonymizer() = default;
  // Detects and blurs in place; `bgr` is 8-bit 3-channel. Fails only on unusable input.
  virtual Result<AnonymizationReport> Anonymize(cv::Mat& bgr) = 0;
};

struct CascadeAnonymizerOptions {
  // Folder of haarcascade_*.xml (Debian opencv-data).
  std::string cascade_dir = "/usr/share/opencv4/haarcascades";
  double margin = 0.15;       // grow each box by this fraction per side before blurring
  int min_face_px = 16;       // smallest face searched
};

// NotFound when a cascade file is missing.
Result<std::unique_ptr<Anonymizer>> NewCascadeAnonymizer(const CascadeAnonymizerOptions& o);

}  // namespace tilsyn::imaging
