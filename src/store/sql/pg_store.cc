// Opening a store (and an image store) by location: a PostgreSQL URL, or a SQLite file (a folder).
#include "store/blob_store.h"
#include "store/sql/migrations.h"
#include "store/sql/pg_db.h"
#include "store/sql/sql_store.h"

namespace tilsyn::store {
namespace sql {

Result<std::unique_ptr<Pool>> OpenPostgresPool(const std::string& url, int connections) {
  auto open = [url]() -> Result<std::unique_ptr<Db>> {
    TILSYN_ASSIGN_OR_RETURN(std::unique_ptr<PgDb> db, PgDb::Connect(url));
    return std::unique_ptr<Db>(std::move(db));
  };
  TILSYN_ASSIGN_OR_RETURN(std::unique_ptr<Db> first, open());
  Status st = Migrate(*first);
  if (!st.ok()) return st.Annotate("open PostgreSQL database");
  return std::make_unique<Pool>(std::move(first), open, connections);
}

}  // namespace sql

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url, int connections) {
  TILSYN_ASSIGN_OR_RETURN(std::unique_ptr<sql::Pool> pool, sql::OpenPostgresPool(url, connections));
  return std::unique_ptr<Store>(new sql::SqlStore(std::move(pool), url));
}

bool IsPostgresUrl(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& location) {
  if (IsPostgresUrl(location)) return OpenPostgresStore(location);
  return OpenSqliteStore(location);
}

Result<std::unique_ptr<BlobStore>> OpenBlobStore(const std::string& location) {
  if (IsPostgresUrl(location)) return OpenPostgresBlobStore(location);
  return OpenDirBlobStore(location);
}

}  // namespace tilsyn::store
