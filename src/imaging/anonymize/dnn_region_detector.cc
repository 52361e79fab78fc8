// Model-pack / BlazeFace networks as ensemble members: the whole image, plus optional
// overlapping tiles so that fixed-input networks also see small faces at a usable scale (a
// manifest's N x N `tile_grid`, and/or tiles of about `tile` px on large images). With a
// `tile_trigger`, the grid's tiles run on demand: the network runs with thresholds lowered to the
// trigger, detections at or above their label's threshold are kept, and a tile is run only when
// an uncertain one (trigger <= score < threshold) has its centre in it.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "imaging/anonymize/box_verifier.h"
#include "imaging/anonymize/region_detector.h"
#include "imaging/dnn_detector.h"

namespace tilsyn::imaging {
namespace {

bool Anonymizable(const std::string& label) {
  return label == "face" || label == "plate" || label == "person";
}

// An n x n grid of tiles covering `size`, neighbours overlapping by 20 % of a tile.
std::vector<cv::Rect> GridTiles(cv::Size size, int n) {
  constexpr double kOverlap = 0.2;
  const int tw = static_cast<int>(std::ceil(size.width / (n - (n - 1) * kOverlap)));
  const int th = static_cast<int>(std::ceil(size.height / (n - (n - 1) * kOverlap)));
  std::vector<cv::Rect> tiles;
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) {
      const int x = (size.width - tw) * i / (n - 1), y = (size.height - th) * j / (n - 1);
      tiles.push_back(cv::Rect(x, y, tw, th) & cv::Rect(0, 0, size.width, size.height));
    }
  }
  return tiles;
}

class DnnRegionDetector : public RegionDetector {
 public:
  // `thresholds`: the labels' real thresholds when the detector runs with lowered ones (tiles on
  // demand); empty = keep everything the detector returns.
  DnnRegionDetector(std::unique_ptr<DnnDetector> d, int tile, int grid, ModelSpec thresholds,
                    std::unique_ptr<BoxVerifier> verifier)
      : d_(std::move(d)),
        tile_(tile),
        grid_(grid),
        on_demand_(grid > 1 &&
                   (!thresholds.thresholds.empty() || thresholds.default_threshold > 0)),
        real_(std::move(thresholds)),
        verifier_(std::move(verifier)) {
    id_ = d_->version();
    if (verifier_) id_ += "+verifier:" + verifier_->spec().label;
  }
  const std::string& id() const override { return id_; }

  Result<std::vector<RegionCandidate>> Detect(const FrameView& f) override {
    std::vector<RegionCandidate> out;
    std::vector<cv::Point> uncertain;
    TILSYN_RETURN_IF_ERROR(Run(f.bgr, cv::Point(0, 0), out, &uncertain));
    if (grid_ > 1) {
      for (const cv::Rect& r : GridTiles(f.bgr.size(), grid_)) {
        if (on_demand() && std::none_of(uncertain.begin(), uncertain.end(),
                                        [&](const cv::Point& p) { return r.contains(p); })) {
          continue;
        }
        TILSYN_RETURN_IF_ERROR(Run(f.bgr(r), r.tl(), out, nullptr));
      }
    }
    const int side = std::max(f.bgr.cols, f.bgr.rows);
    if (tile_ > 0 && side > tile_ * 3 / 2) {
      const int stride = tile_ * 3 / 4;
      for (int y = 0; y < f.bgr.rows; y += stride) {
        for (int x = 0; x < f.bgr.cols; x += stride) {
          const cv::Rect r = cv::Rect(x, y, tile_, tile_) & cv::Rect(0, 0, f.bgr.cols, f.bgr.rows);
          if (r.width < tile_ / 2 || r.height < tile_ / 2) continue;
          TILSYN_RETURN_IF_ERROR(Run(f.bgr(r), r.tl(), out, nullptr));
        }
      }
    }
    if (verifier_) TILSYN_RETURN_IF_ERROR(verifier_->Filter(f.bgr, out).status());
    return out;
  }

 private:
  bool on_demand() const { return on_demand_; }

  // Adds the detections of `img` (offset into the frame) at or above their label's threshold;
  // the centres of uncertain ones go to `uncertain` when given.
  Status Run(const cv::Mat& img, cv::Point offset, std::vector<RegionCandidate>& out,
             std::vector<cv::Point>* uncertain) {
    TILSYN_ASSIGN_OR_RETURN(auto dets, d_->Detect(img));
    for (const tasks::Detection& d : dets) {
      if (!Anonymizable(d.label)) continue;
      const cv::Rect box(d.box.x + offset.x, d.box.y + offset.y, d.box.w, d.box.h);
      if (on_demand() && d.score < real_.ThresholdFor(d.label)) {
        if (uncertain != nullptr) uncertain->push_back((box.tl() + box.br()) / 2);
        continue;
      }
      out.push_back({d.label, box, d.score});
    }
    return Status::Ok();
  }

  std::unique_ptr<DnnDetector> d_;
  int tile_;
  int grid_;
  bool on_demand_;
  ModelSpec real_;                         // thresholds only
  std::unique_ptr<BoxVerifier> verifier_;  // or null
  std::string id_;
};

}  // namespace

Result<std::unique_ptr<RegionDetector>> NewDnnRegionDetector(const ModelSpec& spec, int tile) {
  ModelSpec run = spec, real;
  real.default_threshold = 0;
  if (spec.tile_grid > 1 && spec.tile_trigger > 0) {
    real.thresholds = spec.thresholds;
    real.default_threshold = spec.default_threshold;
    for (auto& [label, t] : run.thresholds) t = std::min(t, spec.tile_trigger);
    run.default_threshold = std::min(spec.default_threshold, spec.tile_trigger);
  }
  TILSYN_ASSIGN_OR_RETURN(auto d, DnnDetector::Create(run));
  std::unique_ptr<BoxVerifier> verifier;
  if (spec.verifier) {
    TILSYN_ASSIGN_OR_RETURN(verifier, NewBoxVerifier(*spec.verifier));
  }
  return std::unique_ptr<RegionDetector>(new DnnRegionDetector(
      std::move(d), tile, spec.tile_grid, std::move(real), std::move(verifier)));
}

}  // namespace tilsyn::imaging
