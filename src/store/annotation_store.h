// AnnotationStore: boxes an inspector draws with a label on a kept (already anonymized) image —
// the training data for teaching the detectors an object no open dataset covers (docs/teach.md).
// A narrow seam like PermitStore, reached through Store::annotations(). An observation's boxes
// are saved as one set. Thread-safe as its implementation.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace tilsyn::store {

struct Annotation {
  std::string observation_id;
  std::string label;               // [a-z][a-z0-9_]*, e.g. "container"
  int x = 0, y = 0, w = 0, h = 0;  // pixels of the stored image, top-left origin
  std::string labelled_by;         // the inspector's subject
  TimeMs labelled_ms = 0;
};

// The labels an inspector said an image's boxes are complete for (AnnotationStore below).
struct CompleteLabelSet {
  std::vector<std::string> labels;  // sorted
  std::string marked_by;
  TimeMs marked_ms = 0;
};

class AnnotationStore {
 public:
  virtual ~AnnotationStore() = default;
  // Replaces the observation's boxes with `boxes` (empty clears them).
  virtual Status ReplaceAnnotations(const std::string& observation_id,
                                    const std::vector<Annotation>& boxes) = 0;
  // The observation's boxes in the order saved.
  virtual Result<std::vector<Annotation>> AnnotationsFor(const std::string& observation_id) = 0;
  // Every box (of `label` only, when given), grouped by observation id.
  virtual Result<std::vector<Annotation>> ListAnnotations(
      const std::optional<std::string>& label) = 0;
  // The labels for which an observation's boxes are complete: every object of such a label in
  // the image is boxed, so an image complete for a label without a box of it shows what is not
  // one (a negative for training). Replaced as one set; empty removes it.
  virtual Status SetCompleteLabels(const std::string& observation_id,
                                   const std::vector<std::string>& labels,
                                   const std::string& marked_by, TimeMs marked_ms) = 0;
  // Observation id -> its complete labels, for `observation_id` only when given.
  virtual Result<std::map<std::string, CompleteLabelSet>> CompleteLabels(
      const std::optional<std::string>& observation_id) = 0;
};

}  // namespace tilsyn::store
