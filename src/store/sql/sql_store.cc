#include "store/sql/sql_store.h"

#include <utility>

#include "store/sql/migrations.h"
#include "store/sql/pg_db.h"
#include "store/sql/sqlite_db.h"

namespace tilsyn::store::sql {

Status SqlStore::InTxn(Transaction::Mode mode, const std::function<Status(Db&)>& body) {
  return pool_->InTransaction(mode, body);
}

Status SqlStore::Ready() {
  int64_t version = -1;
  Status s = Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(version, db.QueryInt(db.dialect() == Dialect::kPostgres
                                                     ? "SELECT version FROM tilsyn_schema"
                                                     : "PRAGMA user_version"));
    return Status::Ok();
  });
  if (!s.ok()) return Reported(Status::Unavailable("the database does not answer"), s.ToString());
  if (version != LatestSchemaVersion()) {
    return Status::Unavailable("database schema is version " + std::to_string(version) +
                               ", this program needs " + std::to_string(LatestSchemaVersion()));
  }
  return Status::Ok();
}

void SqlStore::AnnounceWork() {
  if (listen_url_.empty()) return;
  // One statement on its own (no transaction to open and commit): delivered to every listening
  // connection at once; a lost signal only costs a poll interval.
  auto lease = pool_->Acquire();
  if (!lease.ok()) return;
  (void)lease->db().Exec("SELECT pg_notify('" + std::string(PgDb::kWorkChannel) +
                         "_' || current_schema(), '')");
}

std::unique_ptr<Store::WorkListener> SqlStore::ListenForWork() {
  if (listen_url_.empty()) return nullptr;
  return NewPgWorkListener(listen_url_);
}

Result<std::map<std::string, int64_t>> QueryCounts(Db& db, std::string_view sql) {
  std::map<std::string, int64_t> out;
  TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
  while (true) {
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out[st.Text(0)] = st.Int(1);
  }
  return out;
}

}  // namespace tilsyn::store::sql

namespace tilsyn::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  using sql::SqliteDb;
  TILSYN_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  // WAL lets readers in other processes (backup, admin commands) run beside the server.
  // busy_timeout must come first: the WAL switch itself may wait for another connection.
  // synchronous=FULL: an acknowledged upload must survive a power loss.
  TILSYN_RETURN_IF_ERROR(db->Exec("PRAGMA busy_timeout = 5000"));
  TILSYN_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode = WAL"));
  TILSYN_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous = FULL"));
  TILSYN_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys = ON"));
  Status st = sql::Migrate(*db);
  if (!st.ok()) return st.Annotate("open " + path);
  auto pool = std::make_unique<sql::Pool>(std::move(db), nullptr, 1);
  return std::unique_ptr<Store>(new sql::SqlStore(std::move(pool)));
}

}  // namespace tilsyn::store
