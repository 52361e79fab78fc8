// BoxVerifier: runs a model's `verifier` (imaging/model_pack.h BoxVerifierSpec) over the boxes
// of its label and says which to drop. The crop rule matches training/plate_verifier.py. Not
// thread-safe (one per anonymizer, as the detectors are).
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <vector>

#include "core/result.h"
#include "imaging/anonymize/region_detector.h"
#include "imaging/model_pack.h"

namespace tilsyn::imaging {

class BoxVerifier {
 public:
  virtual ~BoxVerifier() = default;
  // The classifier's probability that each box holds the label, in order.
  virtual Result<std::vector<double>> Score(const cv::Mat& bgr,
                                            const std::vector<cv::Rect>& boxes) = 0;
  // Removes from `candidates` the boxes of the verifier's label scoring below keep_above whose
  // probability is below the threshold; returns how many it removed.
  Result<int> Filter(const cv::Mat& bgr, std::vector<RegionCandidate>& candidates);

  const BoxVerifierSpec& spec() const { return spec_; }

 protected:
  explicit BoxVerifier(BoxVerifierSpec spec) : spec_(std::move(spec)) {}
  BoxVerifierSpec spec_;
};

// InvalidArgument naming "verifier.file" when the ONNX cannot be loaded.
Result<std::unique_ptr<BoxVerifier>> NewBoxVerifier(const BoxVerifierSpec& spec);

// The verifier's input for `box` of `bgr`: the box grown by spec.grow per side, clipped to the
// frame, resized to width x height (BGR; empty when less than 2 px remain).
cv::Mat VerifierCrop(const cv::Mat& bgr, const cv::Rect& box, const BoxVerifierSpec& spec);

}  // namespace tilsyn::imaging
