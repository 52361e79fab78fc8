// ModelPack: a folder of detector models described by manifest.json (docs/model-pack.md) —
// file, format, decoder, input geometry, labels, label map, thresholds, licence. Parsing only:
// running a model is the job of the detector that uses the spec (imaging/dnn_detector.h).
// Immutable after loading; thread-safe to share.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"

namespace tilsyn::imaging {

struct ModelInput {
  int width = 320, height = 320;
  double scale = 1.0 / 255.0;
  std::vector<double> mean = {0, 0, 0};
  bool swap_rb = true;     // BGR (OpenCV) -> RGB
  bool letterbox = false;  // keep aspect ratio, pad
  // With letterbox: enlarge images smaller than the input (true) or place them at their own
  // size in the padded input (false: a detector trained on camera-scale objects then sees a
  // small photograph's objects at the scale it knows, not enlarged and soft).
  bool upscale = true;
};

// A second look at a detector's unsure boxes of one label (manifest "verifier"): a small
// classifier over the box grown by `grow` of its size per side, clipped to the frame, resized to
// width x height, RGB, pixels / 255, whose one output is the probability that the box holds the
// label. A box scoring below `keep_above` is dropped when that probability is below
// `threshold`; boxes at or above `keep_above` are kept unseen (training/plate_verifier.py).
struct BoxVerifierSpec {
  std::string file;   // absolute path of the ONNX
  std::string label;  // mapped label, e.g. "plate"
  int width = 96, height = 32;
  double grow = 0.15;
  double threshold = 0.5;
  double keep_above = 1.0;
};

struct ModelSpec {
  std::string name;
  std::string file;     // absolute path (resolved against the pack folder)
  std::string config;   // absolute path or ""
  std::string format;   // onnx | darknet | caffe | yunet | dlib-mmod
  std::string decoder;  // yolo | yolo-noobj | ssd | ultraface | fastestdet | blazeface | yunet
  ModelInput input;
  std::vector<std::string> labels;               // output order
  std::map<std::string, std::string> label_map;  // raw -> mapped ("" drops the class)
  std::map<std::string, double> thresholds;      // mapped label -> min score
  double default_threshold = 0.5;
  double nms_iou = 0.45;
  // NMS also merges a box lying more than this share inside a higher-scoring one (imaging/nms.h;
  // 1 = off). Manifest "nms_containment".
  double nms_containment = 1.0;
  // As an anonymizer: 1 = the whole frame only; N > 1 = also an N x N grid of tiles overlapping
  // by 20 %, each enlarged to the input (a second, finer scale for small plates and faces).
  int tile_grid = 1;
  // 0 = every tile, always. > 0 = tiles on demand: a tile runs only where the whole-frame pass
  // saw an uncertain anonymizable object (a score in [tile_trigger, its threshold)) whose centre
  // lies in it; confident detections need no second look, empty tiles cost nothing.
  double tile_trigger = 0;
  // As an anonymizer: drops the unsure boxes of one label that a classifier rules out.
  std::optional<BoxVerifierSpec> verifier;
  std::vector<std::string> purpose;  // anonymization, recognition
  std::string licence;
  std::string card;  // absolute path of the model card, or ""
  // Per mapped label, what the card measured (manifest "label_quality"): e.g. {"ap50": 0.566,
  // "test_set": "…", "training_data": "…", "known_failures": "…"}; shown by
  // GET /api/v1/capabilities.
  std::map<std::string, Json> label_quality;

  // The label after mapping ("" = dropped).
  std::string MapLabel(const std::string& raw) const;
  double ThresholdFor(const std::string& mapped) const;
  bool HasPurpose(const std::string& p) const;
};

struct ModelPack {
  std::string name;
  std::string dir;
  std::vector<ModelSpec> models;
};

// Reads `<dir>/manifest.json`. NotFound when missing; InvalidArgument naming the field
// (e.g. "models[1].decoder") for a bad entry or a model file that does not exist.
// `dir` may also name a manifest file; model paths are then relative to its folder.
Result<ModelPack> LoadModelPack(const std::string& dir);

// Reads the manifest at `manifest_path` and resolves model paths against `dir`: for a read-only
// folder of models whose manifest lives elsewhere (docs/dev-model-pack.manifest.json describes
// ../shared/models). Same errors as LoadModelPack.
Result<ModelPack> LoadModelPackManifest(const std::string& manifest_path, const std::string& dir);

}  // namespace tilsyn::imaging
