// The store a test opens. SQLite in the test's folder by default; PostgreSQL when the run asks
// for it: TILSYN_TEST_DATABASE_URL names a throwaway database (scripts/test.sh starts a private
// cluster and sets it) and TILSYN_TEST_STORE=postgresql selects it for tests that take "the"
// store (pipeline, API, privacy invariants). Each folder gets its own fresh schema of that
// database, so tests do not see each other's rows and reopening the folder reopens the data.
// Header-only (tests that include it link tilsyn_store).
#pragma once

#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "store/sql/pg_db.h"
#include "store/store.h"

namespace tilsyn::testing {

// The PostgreSQL database for tests, or nullopt when the run has none.
inline std::optional<std::string> TestDatabaseUrl() {
  const char* url = std::getenv("TILSYN_TEST_DATABASE_URL");
  if (!url || !*url) return std::nullopt;
  return std::string(url);
}

// True when tests that take "the" store should use PostgreSQL.
inline bool TestStoreIsPostgres() {
  const char* s = std::getenv("TILSYN_TEST_STORE");
  return s && std::string(s) == "postgresql" && TestDatabaseUrl();
}

// A URL of `base` whose search_path is a schema of its own for `key` (created if missing).
inline Result<std::string> SchemaUrl(const std::string& base, const std::string& key) {
  std::ostringstream name;
  name << "t_" << std::hex << std::hash<std::string>()(key);
  TILSYN_ASSIGN_OR_RETURN(auto db, store::sql::PgDb::Connect(base));
  // PostGIS once per database, in public (tests started together may race: the loser's error
  // is harmless, the extension exists either way).
  (void)db->Exec("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public");
  TILSYN_RETURN_IF_ERROR(db->Exec("CREATE SCHEMA IF NOT EXISTS " + name.str()));
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         name.str() + "%2Cpublic";
}

// Where "the" store of the test folder `dir` is: a SQLite file in it, or a schema URL.
inline std::string TestStoreLocation(const std::string& dir) {
  if (TestStoreIsPostgres()) {
    auto url = SchemaUrl(*TestDatabaseUrl(), dir);
    if (url.ok()) return *url;
  }
  return dir + "/tilsyn.db";
}

inline Result<std::unique_ptr<store::Store>> OpenTestStore(const std::string& dir) {
  return store::OpenStore(TestStoreLocation(dir));
}

}  // namespace tilsyn::testing
