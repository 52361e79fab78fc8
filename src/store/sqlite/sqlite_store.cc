#include "store/sqlite/sqlite_store.h"

#include "store/sqlite/migrations.h"

namespace tilsyn::store::sqlite {

Status SqliteStore::InTxn(Transaction::Mode mode, const std::function<Status(Db&)>& body) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (txn_depth_ > 0) return body(*db_);  // nested (WithAudit): the outer transaction decides
  Transaction txn(*db_, mode);
  TILSYN_RETURN_IF_ERROR(txn.status());
  ++txn_depth_;
  Status s = body(*db_);
  --txn_depth_;
  TILSYN_RETURN_IF_ERROR(s);
  return txn.Commit();
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

}  // namespace tilsyn::store::sqlite

namespace tilsyn::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  using sqlite::Db;
  TILSYN_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path));
  // WAL lets readers in other processes (backup, admin commands) run beside the server.
  // busy_timeout must come first: the WAL switch itself may wait for another connection.
  // synchronous=FULL: an acknowledged upload must survive a power loss.
  TILSYN_RETURN_IF_ERROR(db->Exec("PRAGMA busy_timeout = 5000"));
  TILSYN_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode = WAL"));
  TILSYN_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous = FULL"));
  TILSYN_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys = ON"));
  Status st = sqlite::Migrate(*db);
  if (!st.ok()) return st.Annotate("open " + path);
  return std::unique_ptr<Store>(new sqlite::SqliteStore(std::move(db)));
}

}  // namespace tilsyn::store
