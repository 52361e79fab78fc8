// Detection vocabulary shared by recognizers, rules and storage: labelled boxes with scores.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/json_util.h"

namespace tilsyn::tasks {

struct Box {
  int x = 0, y = 0, w = 0, h = 0;  // pixels in the analysed image
};

struct Detection {
  Detection() = default;
  // Keeps brace initialisation {label, score, box} working without field-initializer warnings.
  Detection(std::string l, double s, Box b, std::string t = {}, double f = 0)
      : label(std::move(l)), score(s), box(b), text(std::move(t)), area_fraction(f) {}

  std::string label;
  double score = 0;  // calibrated to [0, 1]
  Box box;
  // Optional extras (JSON omits them when unset):
  std::string text;          // OCR: the recognised line (UTF-8), label "text"
  double area_fraction = 0;  // change: the region's changed pixels / image pixels, label "change"
};

Json DetectionsToJson(const std::vector<Detection>& d);
// Lenient reader for stored runs (skips malformed entries).
std::vector<Detection> DetectionsFromJson(const Json& j);

}  // namespace tilsyn::tasks
