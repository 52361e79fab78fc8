// "cascade": a Haar/LBP cascade from opencv-data (e.g. haarcascade_fullbody.xml) as a local,
// network-free detector of one label. Recognize() is serialised by a mutex (cascades keep state).
//
// Score calibration: detectMultiScale3 with outputRejectLevels gives each detection the weight
// of its final stage, lw. It is mapped to [0, 1] with 1 / (1 + exp(-1.5 * (lw - 0.5))):
// lw = 0.5 → 0.5, lw = 1.5 → 0.82, lw = 2.5 → 0.95, lw = 0 → 0.32. Cascades are weaker than
// HOG, so they sit later in the default chain.
#pragma once

#include <memory>

#include "core/json_util.h"
#include "recognition/recognizer.h"

namespace tilsyn::recognition {

// Maps a cascade's level weight to a calibrated score (see above).
double CascadeScore(double level_weight);

// Settings: cascade (file name, resolved against cascade_dir unless absolute; required),
// label (required), and optional cascade_dir (default /usr/share/opencv4/haarcascades),
// scale_factor (1.1), min_neighbors (3), min_width (24), min_height (48), min_side (400: shorter
// image sides are scaled up to it), min_score (0.2), timeout_ms (10000).
// InvalidArgument naming the field for bad settings; NotFound when the cascade cannot be loaded.
Result<std::unique_ptr<Recognizer>> NewCascadeDetector(const std::string& name,
                                                       const Json& settings);

}  // namespace tilsyn::recognition
