// The PostgreSQL connection (libpq) behind the shared connection layer (store/sql/db.h), for
// installs that outgrow one machine. Statements are prepared once per connection (named by their
// text and parameter types) and run with typed text parameters; `?` placeholders become $1…$n.
// SQLSTATE 40001/40P01 (serialization failure, deadlock) and a lost connection map to
// Unavailable, which the store retries with a fresh transaction. Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "store/sql/db.h"
#include "store/store.h"

struct pg_conn;
struct pg_result;

namespace tilsyn::store::sql {

class PgDb final : public Db {
 public:
  // Connects to `url` (a libpq connection URI or key=value string).
  static Result<std::unique_ptr<PgDb>> Connect(const std::string& url);
  ~PgDb() override;
  PgDb(const PgDb&) = delete;
  PgDb& operator=(const PgDb&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Status Exec(std::string_view sql) override;
  Result<Statement> Prepare(std::string_view sql) override;
  int64_t Changes() const override { return changes_; }
  std::string_view BeginSql(Mode mode) const override {
    switch (mode) {
      case Mode::kWrite:
        return "BEGIN ISOLATION LEVEL SERIALIZABLE";
      case Mode::kClaim:
        return "BEGIN ISOLATION LEVEL READ COMMITTED";
      case Mode::kRead:
        break;
    }
    return "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
  }
  std::string ClaimLock(std::string_view of = {}) const override {
    return of.empty() ? " FOR UPDATE SKIP LOCKED"
                      : " FOR UPDATE OF " + std::string(of) + " SKIP LOCKED";
  }
  std::string JsonNumber(std::string_view column, std::string_view key) const override;
  std::string JsonText(std::string_view column, std::string_view key) const override;
  bool healthy() const override;

  // The LISTEN/NOTIFY channel for "an upload is waiting": kWorkChannel + "_" + the schema, so
  // installs sharing a database in separate schemas do not wake each other.
  static constexpr const char* kWorkChannel = "tilsyn_work";

  // `sql` with each `?` outside quotes replaced by $1, $2, …; `*count` receives their number.
  static std::string NumberPlaceholders(std::string_view sql, int* count);

 private:
  friend class PgCursor;
  explicit PgDb(pg_conn* conn) : conn_(conn) {}
  // Maps a failed result (or, when null, the connection's state) to a Status.
  Status ErrorStatus(const pg_result* res, std::string_view what) const;

  pg_conn* conn_ = nullptr;
  int64_t changes_ = 0;
  std::map<std::string, std::string> prepared_;  // text + parameter types -> statement name
};

// A connection of its own that LISTENs on kWorkChannel (reconnecting when lost).
std::unique_ptr<Store::WorkListener> NewPgWorkListener(const std::string& url);

class Pool;
// Connects to `url`, runs pending migrations, and returns a pool of up to `connections`
// connections to it (store/sql/pg_store.cc).
Result<std::unique_ptr<Pool>> OpenPostgresPool(const std::string& url, int connections);

}  // namespace tilsyn::store::sql
