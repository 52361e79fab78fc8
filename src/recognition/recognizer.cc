#include "recognition/recognizer.h"

#include <algorithm>

namespace tilsyn::recognition {

std::string_view ToString(DataTerms t) {
  switch (t) {
    case DataTerms::kLocal:
      return "local";
    case DataTerms::kInternal:
      return "internal";
    case DataTerms::kExternal:
      return "external";
  }
  return "local";
}

bool IsGoodEnough(const std::vector<tasks::Detection>& detections, const RecognizeRequest& req,
                  double uncertain_ratio) {
  for (const tasks::Target& t : req.targets) {
    bool confident = false, uncertain = false;
    for (const tasks::Detection& d : detections) {
      if (d.label != t.label) continue;
      if (d.score >= t.min_confidence) {
        confident = true;
      } else if (d.score >= uncertain_ratio * t.min_confidence) {
        uncertain = true;
      }
    }
    if (uncertain && (!confident || req.count_exactly)) return false;
  }
  return true;
}

double CalibrateScore(double raw, double threshold) {
  raw = std::clamp(raw, 0.0, 1.0);
  if (threshold <= 0 || threshold >= 1) return raw;
  if (raw < threshold) return 0.5 * raw / threshold;
  return 0.5 + 0.5 * (raw - threshold) / (1 - threshold);
}

}  // namespace tilsyn::recognition
