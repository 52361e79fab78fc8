// `tilsyn models install CANDIDATE`: the evaluation gate in front of a retrained detector
// (docs/teach.md). The candidate pack's model and the one in use are evaluated on the same
// held-out labelled sets (eval/annotations.h formats; e.g. the val split of `tilsyn dataset
// export` and the project's own test split). The candidate is installed only if, on every label
// the current model serves, its AP@0.5 is at least the current AP minus `tolerance` (or, with
// allow_noise, the drop is within the set's noise: see ModelGateFlags); labels the
// current model does not serve are new and shown with their AP. A label the current model serves
// with no held-out box cannot be shown not to be worse, so the gate refuses it too. Installing
// copies the pack into `<data_dir>/models` (the previous one kept as models.previous), where
// `tilsyn serve` finds it on its next start and offers its labels.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"

namespace tilsyn::eval {

struct ModelGateFlags {
  std::string candidate;         // pack folder (manifest.json + model files)
  std::string current;           // pack in use ("" = <data_dir>/models, else the default)
  std::string model = "street";  // model name in both packs
  // Held-out sets (annotation file or YOLO folder); "LABEL=PATH" reads only LABEL's row of that
  // set (for sets whose other classes are not fully labelled, as training/export_eval_sets.py
  // writes them: street-vehicle/ measures vehicles only).
  std::vector<std::string> labels;
  std::vector<std::string> images;  // images folder per set ("" or absent = next to labels)
  double tolerance = 0.02;          // AP may drop at most this much on an existing label
  // A larger drop passes too when it is within the noise of the held-out set: when the 90 %
  // interval of the AP difference (a paired bootstrap over the images) still reaches -tolerance.
  // For sets of a few dozen boxes, where two trainings differ by that much by chance.
  bool allow_noise = false;
  std::string data_dir;  // install target: <data_dir>/models
};

struct GateRow {
  std::string set;  // which labelled set
  std::string label;
  int boxes = 0;                     // held-out boxes of the label
  std::optional<double> current_ap;  // absent: the current model does not serve the label
  double candidate_ap = 0;
  // The 90 % interval of candidate AP - current AP: 5th and 95th percentile over 500 paired
  // bootstrap resamples of the set's images (the same draws for both; seeded, so a rerun prints
  // the same table). Absent for a new label.
  std::optional<double> delta_lo, delta_hi;
  std::string verdict;  // "ok" | "ok (noise)" | "worse" | "new"
};

struct GateReport {
  std::string candidate, current;
  std::vector<GateRow> rows;
  std::vector<std::string> unmeasured;  // served labels without held-out boxes
  bool passed = false;
  std::string reason;  // why it was refused ("" when passed)
  Json ToJson() const;
  std::string ToText() const;  // the table
};

// The pack in use: flags.current, else <data_dir>/models when it holds a manifest, else the
// project's default pack ("" when there is none).
std::string CurrentPack(const ModelGateFlags& flags);

// Evaluates both and decides; installs nothing. InvalidArgument naming the flag for a bad pack,
// a model missing from a pack, or a labelled set that cannot be read.
Result<GateReport> EvaluateCandidate(const ModelGateFlags& flags);

// Copies the candidate pack into <data_dir>/models (atomic rename; the old one kept as
// models.previous).
Status InstallPack(const std::string& candidate, const std::string& data_dir);

}  // namespace tilsyn::eval
