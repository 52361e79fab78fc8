// `tilsyn migrate --to postgresql://…`: moves a single-machine install (the SQLite database and
// the image folder of --data-dir) into an empty PostgreSQL database (store/copy_store.h), then
// verifies the copied audit trail. The source is left as it was. Exit 0 when the copy is whole
// and its audit chain verifies, 1 on failure, 2 on bad arguments.
#pragma once

#include <string>

#include "server/cli.h"

namespace tilsyn::server {

struct MigrateFlags {
  ServeFlags server;  // --config / --data-dir of the source install
  std::string to;     // --to: the target database
};
int RunMigrate(const MigrateFlags& flags);

}  // namespace tilsyn::server
