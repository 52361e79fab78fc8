// `tilsyn models install CANDIDATE --labels SET [--images DIR]... [--model street]
// [--tolerance 0.02] [--current PACK] [--dry-run] [--json] [--data-dir DIR]`: the evaluation
// gate (eval/model_gate.h) and, when the candidate passes, its installation into
// <data_dir>/models; the decision and its table are audited (model.install or model.refused).
// Exit 0 installed (or passed with --dry-run), 1 refused by the gate, 2 bad input.
#pragma once

#include "eval/model_gate.h"
#include "server/cli.h"

namespace tilsyn::server {

struct ModelsInstallFlags {
  ServeFlags server;
  eval::ModelGateFlags gate;
  bool dry_run = false;
  bool json = false;
};

int RunModelsInstall(ModelsInstallFlags flags);

}  // namespace tilsyn::server
