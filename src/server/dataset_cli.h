// `tilsyn dataset export --out DIR [--label L]... [--json] [--data-dir DIR]`: the labelled
// boxes on kept images as a YOLO training set with a provenance file (server/dataset_export.h).
// Images leave the server here, so the export is audited (dataset.export, naming the labels and
// the count) before anything is written. Exit 0 on success, 2 on bad flags, nothing labelled or
// store errors.
#pragma once

#include <string>
#include <vector>

#include "server/cli.h"

namespace tilsyn::server {

struct DatasetExportFlags {
  ServeFlags server;
  std::string out;
  std::vector<std::string> labels;
  bool json = false;
};

int RunDatasetExport(const DatasetExportFlags& flags);

}  // namespace tilsyn::server
