// Dataset export: the labelled boxes inspectors drew on kept images (store/annotation_store.h)
// as a YOLO training set that `training/` reads and `tilsyn eval recognizer` evaluates:
//   <out>/classes.txt                      one label per line, sorted; a box's class is its line
//   <out>/images/{train,val}/<obs>.jpg     the stored image: already anonymized (invariant 1)
//   <out>/labels/{train,val}/<obs>.txt     "class cx cy w h", normalised to 0..1
//   <out>/labels/{train,val}/classes.txt   the same list, so each labels folder stands alone
//   <out>/data.yaml                        the split and names for YOLO trainers
//   <out>/provenance.json                  which images (observation, task, capture time, SHA-256),
//                                          who labelled each and when, who exported, what was
//                                          skipped and why
// Negatives: an image whose boxes are complete for every exported class (an inspector said so,
// `complete_for`) but that has no box of them is exported with an empty label file — it shows the
// trainer what is not the object. provenance.json marks it `"negative": true`.
// About a fifth of the images (chosen by a hash of the observation id, so a re-export keeps the
// split) go to val, at least one when there are two or more. An image that retention has
// deleted is skipped and named. The folder is written under a temporary name and renamed into
// place, so a failed export leaves nothing half-written; `out` must not exist yet.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "store/blob_store.h"
#include "store/store.h"

namespace tilsyn::server {

struct DatasetExportOptions {
  std::string out;                  // folder to create
  std::vector<std::string> labels;  // only these labels (empty = all)
  std::string exported_by = "cli";
  TimeMs now = 0;
};

struct DatasetExportSummary {
  int images = 0, train = 0, val = 0, boxes = 0;
  int negatives = 0;  // of `images`: complete for every class, no box
  std::vector<std::string> classes;
  Json skipped = Json::array();  // [{observation_id, reason}]
  Json ToJson() const;
};

// InvalidArgument (field "--out") when `out` exists or is empty; FailedPrecondition (field
// "labels") when nothing is labelled; store and file errors as they come.
Result<DatasetExportSummary> ExportDataset(store::Store& store, store::BlobStore& blobs,
                                           const DatasetExportOptions& options);

}  // namespace tilsyn::server
