// Versioned schema migrations, kept in code, with the same numbers on both backends. SQLite
// (migrations.cc): `PRAGMA user_version` records the last applied migration and pending ones run
// in one transaction. PostgreSQL (pg_migrations.cc): the table tilsyn_schema records it and each
// migration runs in its own transaction under an advisory lock. Either way a database is at one
// version or the next, never between. Not thread-safe (run at open).
#pragma once

#include "core/status.h"
#include "store/sql/db.h"

namespace tilsyn::store::sql {

// The schema version this binary writes (the number of migrations).
int LatestSchemaVersion();

// Applies the migrations after the database's version, for its dialect. FailedPrecondition when
// the database is newer than this binary.
Status Migrate(Db& db);
Status MigratePostgres(Db& db);

}  // namespace tilsyn::store::sql
