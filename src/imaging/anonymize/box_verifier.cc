#include "imaging/anonymize/box_verifier.h"

#include <algorithm>
#include <cmath>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

namespace tilsyn::imaging {
namespace {

class OnnxBoxVerifier : public BoxVerifier {
 public:
  OnnxBoxVerifier(BoxVerifierSpec spec, cv::dnn::Net net)
      : BoxVerifier(std::move(spec)), net_(std::move(net)) {}

  Result<std::vector<double>> Score(const cv::Mat& bgr,
                                    const std::vector<cv::Rect>& boxes) override {
    std::vector<double> out(boxes.size(), 1.0);
    std::vector<cv::Mat> crops;
    std::vector<size_t> which;
    for (size_t i = 0; i < boxes.size(); ++i) {
      cv::Mat c = VerifierCrop(bgr, boxes[i], spec_);
      if (c.empty()) continue;  // nothing to look at: the box stays
      crops.push_back(std::move(c));
      which.push_back(i);
    }
    if (crops.empty()) return out;
    try {
      net_.setInput(cv::dnn::blobFromImages(crops, 1.0 / 255.0, cv::Size(), cv::Scalar(),
                                            /*swapRB=*/true, /*crop=*/false));
      const cv::Mat p = net_.forward();
      if (p.total() != crops.size()) {
        return Status::Internal("verifier returned " + std::to_string(p.total()) + " values for " +
                                std::to_string(crops.size()) + " boxes");
      }
      const float* v = p.ptr<float>();
      for (size_t k = 0; k < which.size(); ++k) out[which[k]] = v[k];
    } catch (const cv::Exception& e) {
      return Status::Internal(std::string("verifier failed: ") + e.what());
    }
    return out;
  }

 private:
  cv::dnn::Net net_;
};

}  // namespace

cv::Mat VerifierCrop(const cv::Mat& bgr, const cv::Rect& box, const BoxVerifierSpec& spec) {
  const double gw = box.width * spec.grow, gh = box.height * spec.grow;
  const int a = std::max(0, static_cast<int>(std::floor(box.x - gw)));
  const int b = std::max(0, static_cast<int>(std::floor(box.y - gh)));
  const int c = std::min(bgr.cols, static_cast<int>(std::ceil(box.x + box.width + gw)));
  const int d = std::min(bgr.rows, static_cast<int>(std::ceil(box.y + box.height + gh)));
  if (c - a < 2 || d - b < 2) return {};
  cv::Mat out;
  cv::resize(bgr(cv::Rect(a, b, c - a, d - b)), out, cv::Size(spec.width, spec.height), 0, 0,
             cv::INTER_LINEAR);
  return out;
}

Result<int> BoxVerifier::Filter(const cv::Mat& bgr, std::vector<RegionCandidate>& candidates) {
  std::vector<cv::Rect> boxes;
  std::vector<size_t> idx;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].cls == spec_.label && candidates[i].score < spec_.keep_above) {
      boxes.push_back(candidates[i].box);
      idx.push_back(i);
    }
  }
  if (boxes.empty()) return 0;
  TILSYN_ASSIGN_OR_RETURN(std::vector<double> p, Score(bgr, boxes));
  std::vector<bool> drop(candidates.size(), false);
  int dropped = 0;
  for (size_t k = 0; k < idx.size(); ++k) {
    if (p[k] < spec_.threshold) {
      drop[idx[k]] = true;
      ++dropped;
    }
  }
  size_t w = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (drop[i]) continue;
    if (w != i) candidates[w] = std::move(candidates[i]);  // never a self-move: it empties cls
    ++w;
  }
  candidates.resize(w);
  return dropped;
}

Result<std::unique_ptr<BoxVerifier>> NewBoxVerifier(const BoxVerifierSpec& spec) {
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(spec.file);
    if (net.empty()) return Status::InvalidArgument("cannot load " + spec.file, "verifier.file");
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return std::unique_ptr<BoxVerifier>(new OnnxBoxVerifier(spec, std::move(net)));
  } catch (const cv::Exception& e) {
    return Status::InvalidArgument("cannot load " + spec.file + ": " + e.what(), "verifier.file");
  }
}

}  // namespace tilsyn::imaging
