// Anonymizer evaluation (`tilsyn eval anonymizer`): runs an Anonymizer over an annotated set and
// measures, per class (face, plate, person) and per size bucket of the ground-truth box's
// shorter side (small < 32 px, medium 32..96, large > 96):
//   - recall: share of ground-truth boxes that some detection of the same class matches
//     (IoU >= 0.3, loose on purpose: detectors and annotators draw faces differently);
//   - precision: share of detections (near-duplicates of the same class merged, IoU > 0.5) that
//     match some ground-truth box of that class; detections lying mostly (>= 50 % of their
//     area) inside a `crowd` box of that class (an unlabelled group, e.g. spectators) that match
//     nothing else are not counted;
//   - tba (Total Blurred Area): blurred pixels inside ground-truth boxes / their total area,
//     from the blur mask (the union of every rectangle the anonymizer obscured, any class);
//   - ms_per_megapixel over the whole set.
// Metric arithmetic (AnonymizerMetrics) is separate from running images, for tests.
// Class aliases: license_plate/licence_plate -> plate, pedestrian -> person.
// Images may name a video frame as "PATH.avi#N" (frame N, 0-based). Not thread-safe.
#pragma once

#include <array>
#include <map>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "eval/annotations.h"
#include "imaging/anonymizer.h"

namespace tilsyn::eval {

enum SizeBucket { kSmall = 0, kMedium = 1, kLarge = 2 };
SizeBucket BucketOf(int w, int h);
// "face" | "plate" | "person" | "" (not evaluated).
std::string CanonicalClass(const std::string& label);

struct PredictedBox {
  std::string cls;
  cv::Rect box;
};

class AnonymizerMetrics {
 public:
  // One image: ground truth, the detections, and the blurred rectangles.
  void Add(const std::vector<GroundTruthBox>& gt, const std::vector<PredictedBox>& pred,
           const std::vector<cv::Rect>& blurred, cv::Size size);
  void AddTime(double ms, double megapixels);

  struct Cell {
    int gt = 0, found = 0;        // ground-truth boxes, and those matched
    int pred = 0, correct = 0;    // detections (merged), and those matching ground truth
    double area = 0, blurred = 0; // ground-truth pixels, and those blurred
  };
  // cls in face/plate/person; bucket -1 = all sizes.
  Cell Get(const std::string& cls, int bucket = -1) const;
  double MsPerMegapixel() const { return mp_ > 0 ? ms_ / mp_ : 0; }
  // name@version of the detectors that produced the numbers (for the table header).
  void set_detectors(std::vector<std::string> d) { detectors_ = std::move(d); }
  const std::vector<std::string>& detectors() const { return detectors_; }

  // {"classes": {"face": {"recall","precision","tba","by_size":{"small":{…},…}}, …},
  //  "ms_per_megapixel": m}; ratios with an empty denominator are null.
  Json ToJson() const;
  // A fixed-width text table of the same numbers, with counts.
  std::string Table() const;

 private:
  std::map<std::string, std::array<Cell, 3>> cells_;
  double ms_ = 0, mp_ = 0;
  std::vector<std::string> detectors_;
};

struct EvalAnonymizerFlags {
  std::string labels, images;
  std::string models, manifest;  // model pack (optional)
  std::vector<std::string> detectors;
  std::string blur = "gaussian";
  double haar_scale_factor = 1.1;
  int tile = 512;  // AnonymizerOptions::tile
  bool json = false;
};

// Runs the anonymizer on every image; prints the table (or JSON) to stdout. Exit code.
int RunEvalAnonymizer(const EvalAnonymizerFlags& f);

// Loads an image file or a "video#frame" reference as 8-bit BGR.
Result<cv::Mat> LoadEvalImage(const std::string& ref);

// Evaluates `anonymizer` on `set`; images are anonymized in memory and never written.
Result<AnonymizerMetrics> EvaluateAnonymizer(imaging::Anonymizer& anonymizer,
                                             const std::vector<AnnotatedImage>& set);

}  // namespace tilsyn::eval
