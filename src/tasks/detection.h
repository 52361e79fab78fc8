// Detection vocabulary shared by recognizers, rules and storage: labelled boxes with scores.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"

namespace tilsyn::tasks {

struct Box {
  int x = 0, y = 0, w = 0, h = 0;  // pixels in the analysed image
};

struct Detection {
  std::string label;
  double score = 0;  // calibrated to [0, 1]
  Box box;
};

Json DetectionsToJson(const std::vector<Detection>& d);
// Lenient reader for stored runs (skips malformed entries).
std::vector<Detection> DetectionsFromJson(const Json& j);

}  // namespace tilsyn::tasks
