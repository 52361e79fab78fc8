// `tilsyn import permits FILES… [--columns SPEC] [--data-dir DIR] [--json]`: permits from the
// CSV or GeoJSON files a permit system exports (tasks/permit_import.h) into the store, replacing
// permits with the same id; one audit event per file (permit.import). Bad records are skipped and
// listed. Exit 0 when every file was read (even with bad records), 2 on usage or store errors.
#pragma once

#include <string>
#include <vector>

#include "server/cli.h"

namespace tilsyn::server {

struct ImportPermitsFlags {
  ServeFlags server;
  std::vector<std::string> files;
  std::string columns;  // "id=COL,lat=COL,…" ("" = the default column names)
  bool json = false;
};

int RunImportPermits(const ImportPermitsFlags& flags);

}  // namespace tilsyn::server
