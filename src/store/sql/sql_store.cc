#include "store/sql/sql_store.h"

#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "store/sql/migrations.h"
#include "store/sql/sqlite_db.h"

namespace tilsyn::store::sql {

namespace {

// The transactions open on this thread: (store, connection), innermost last.
thread_local std::vector<std::pair<const SqlStore*, Db*>> tl_open;

Db* OpenOnThisThread(const SqlStore* store) {
  for (auto& [s, db] : tl_open) {
    if (s == store) return db;
  }
  return nullptr;
}

}  // namespace

Status SqlStore::InTxn(Transaction::Mode mode, const std::function<Status(Db&)>& body) {
  if (Db* db = OpenOnThisThread(this)) return body(*db);  // nested: the outer one decides
  constexpr int kAttempts = 8;
  for (int attempt = 1;; ++attempt) {
    Status s;
    Dialect dialect;
    {
      TILSYN_ASSIGN_OR_RETURN(Pool::Lease lease, pool_->Acquire());
      Db& db = lease.db();
      dialect = db.dialect();
      Transaction txn(db, mode);
      s = txn.status();
      if (s.ok()) {
        tl_open.emplace_back(this, &db);
        s = body(db);
        tl_open.pop_back();
      }
      if (s.ok()) s = txn.Commit();
    }
    // SQLite's busy wait happens inside the call (busy_timeout); PostgreSQL reports a
    // serialization conflict or a lost connection as Unavailable: run the whole body again.
    if (s.ok() || dialect != Dialect::kPostgres || s.code() != Code::kUnavailable ||
        attempt == kAttempts) {
      return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2 << attempt));
  }
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
