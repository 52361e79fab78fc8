// Versioned schema migrations for the SQLite store, kept in code. The database's
// `PRAGMA user_version` records the last applied migration; pending ones run in one transaction,
// so a database is either at the old or at the new version. Not thread-safe (run at open).
#pragma once

#include "core/status.h"
#include "store/sqlite/sqlite_db.h"

namespace tilsyn::store::sqlite {

// The schema version this binary writes (the number of migrations).
int LatestSchemaVersion();

// Applies the migrations after the database's user_version. FailedPrecondition when the database
// is newer than this binary.
Status Migrate(Db& db);

}  // namespace tilsyn::store::sqlite
