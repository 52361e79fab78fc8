#include "eval/detection_metrics.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace tilsyn::eval {

double IoU(const tasks::Box& a, const tasks::Box& b) {
  const int x1 = std::max(a.x, b.x), y1 = std::max(a.y, b.y);
  const int x2 = std::min(a.x + a.w, b.x + b.w), y2 = std::min(a.y + a.h, b.y + b.h);
  if (x2 <= x1 || y2 <= y1) return 0;
  const double inter = static_cast<double>(x2 - x1) * (y2 - y1);
  const double uni = static_cast<double>(a.w) * a.h + static_cast<double>(b.w) * b.h - inter;
  return uni > 0 ? inter / uni : 0;
}

namespace {

struct Scored {
  double score;
  size_t image;
  tasks::Box box;
};

enum class Match { kTrue, kFalse, kIgnored };

}  // namespace

std::vector<LabelMetrics> EvaluateDetections(const std::vector<ImageResult>& images,
                                             double operating_score, double iou) {
  std::set<std::string> labels;
  for (const auto& im : images)
    for (const auto& g : im.truth) labels.insert(g.label);
  std::vector<LabelMetrics> out;
  for (const std::string& label : labels) {
    LabelMetrics m;
    m.label = label;
    std::vector<Scored> dets;
    std::vector<std::vector<const GroundTruthBox*>> truth(images.size());
    for (size_t i = 0; i < images.size(); ++i) {
      for (const auto& g : images[i].truth) {
        if (g.label != label) continue;
        truth[i].push_back(&g);
        if (!g.crowd) ++m.ground_truth;
      }
      for (const auto& d : images[i].detections) {
        if (d.label == label) dets.push_back({d.score, i, d.box});
      }
    }
    std::stable_sort(dets.begin(), dets.end(),
                     [](const Scored& a, const Scored& b) { return a.score > b.score; });
    std::vector<std::vector<bool>> used(images.size());
    for (size_t i = 0; i < images.size(); ++i) used[i].assign(truth[i].size(), false);
    std::vector<Match> matches;
    for (const Scored& d : dets) {
      double best = 0;
      int best_k = -1;
      for (size_t k = 0; k < truth[d.image].size(); ++k) {
        const double v = IoU(d.box, truth[d.image][k]->box);
        // Unmatched real boxes first; a crowd box may absorb any number of detections.
        const bool free = truth[d.image][k]->crowd || !used[d.image][k];
        if (free && v >= iou && v > best) {
          best = v;
          best_k = static_cast<int>(k);
        }
      }
      Match r = Match::kFalse;
      if (best_k >= 0) {
        if (truth[d.image][best_k]->crowd) {
          r = Match::kIgnored;
        } else {
          used[d.image][best_k] = true;
          r = Match::kTrue;
        }
      }
      matches.push_back(r);
      if (d.score >= operating_score && r != Match::kIgnored) {
        ++m.detections;
        if (r == Match::kTrue) ++m.true_positives;
      }
    }
    // Count error: per image without crowd boxes of this label, |detections at the operating
    // score − boxes| (the error a count task of this label would make).
    double abs_err = 0;
    for (size_t i = 0; i < images.size(); ++i) {
      bool crowd = false;
      int want = 0, got = 0;
      for (const GroundTruthBox* g : truth[i]) {
        crowd = crowd || g->crowd;
        want += g->crowd ? 0 : 1;
      }
      if (crowd) continue;
      for (const auto& d : images[i].detections) got += d.label == label && d.score >= operating_score;
      abs_err += std::abs(got - want);
      ++m.count_images;
    }
    m.count_mae = m.count_images ? abs_err / m.count_images : 0;
    m.precision = m.detections ? static_cast<double>(m.true_positives) / m.detections : 0;
    m.recall = m.ground_truth ? static_cast<double>(m.true_positives) / m.ground_truth : 0;
    // Precision/recall curve over every reported detection, then the all-point AP.
    std::vector<double> prec, rec;
    int tp = 0, fp = 0;
    for (Match r : matches) {
      if (r == Match::kIgnored) continue;
      (r == Match::kTrue ? tp : fp) += 1;
      prec.push_back(static_cast<double>(tp) / (tp + fp));
      rec.push_back(m.ground_truth ? static_cast<double>(tp) / m.ground_truth : 0);
    }
    for (int k = static_cast<int>(prec.size()) - 2; k >= 0; --k) prec[k] = std::max(prec[k], prec[k + 1]);
    double ap = 0, last_recall = 0;
    for (size_t k = 0; k < prec.size(); ++k) {
      ap += (rec[k] - last_recall) * prec[k];
      last_recall = rec[k];
    }
    m.ap50 = m.ground_truth ? ap : 0;
    out.push_back(m);
  }
  return out;
}

}  // namespace tilsyn::eval
