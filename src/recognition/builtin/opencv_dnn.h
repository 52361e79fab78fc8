// "opencv-dnn": a generic detector recognizer over one model-pack model (imaging/model_pack.h)
// run by imaging::DnnDetector (Darknet/ONNX/Caffe; yolo, ssd, fastestdet… decoders, letterbox,
// NMS, label mapping such as COCO car/truck/bus -> vehicle). Local, network-free.
//
// Score calibration: the manifest's per-label threshold t is the raw score at which this model
// is confident about the label; scores are mapped with CalibrateScore (t -> 0.5, 1 -> 1), so a
// task's default min_confidence 0.5 means "the manifest threshold". Raw detections down to
// report_ratio * t are still reported (calibrated below 0.5) so that the good-enough rule can
// see uncertain ones. Put thresholds in the manifest, not in the service config, to avoid
// calibrating twice.
// Thread-safe: the detector serialises Detect() on its own mutex.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "imaging/model_pack.h"
#include "recognition/recognizer.h"

namespace tilsyn::recognition {

struct OpenCvDnnOptions {
  double report_ratio = 0.5;  // report raw scores >= report_ratio * threshold (0 < r <= 1)
  int timeout_ms = 10'000;
  // The (mapped) labels this service declares and reports; empty = every label of the model.
  // E.g. the anonymizer's `privacy` model serving only "person" to person tasks.
  std::vector<std::string> labels;
};

// Settings: {"pack": DIR-or-manifest-file, "manifest": FILE (optional: a manifest kept outside
// the model folder DIR), "model": NAME (optional when the pack has one recognition model),
// "report_ratio": 0.5, "timeout_ms": 10000, "labels": ["person"] (optional: serve only these of
// the model's labels)}. InvalidArgument naming "settings.<field>".
Result<std::unique_ptr<Recognizer>> NewOpenCvDnnRecognizer(const std::string& name,
                                                           const Json& settings);

// For an already-built spec (tests, programmatic use).
Result<std::unique_ptr<Recognizer>> NewOpenCvDnnRecognizer(const std::string& name,
                                                           const imaging::ModelSpec& spec,
                                                           OpenCvDnnOptions options = {});

}  // namespace tilsyn::recognition
