// The SQLite connection (the single-machine backend) behind the shared connection layer
// (store/sql/db.h). SQLITE_BUSY/LOCKED map to Unavailable. Not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "store/sql/db.h"

struct sqlite3;

namespace tilsyn::store::sql {

class SqliteDb final : public Db {
 public:
  // Opens (creating if needed) the database file. `path` may be ":memory:".
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path);
  ~SqliteDb() override;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Status Exec(std::string_view sql) override;
  Result<Statement> Prepare(std::string_view sql) override;
  int64_t Changes() const override;
  std::string_view BeginSql(Mode mode) const override {
    return mode == Mode::kRead ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE";
  }
  std::string JsonNumber(std::string_view column, std::string_view key) const override;
  std::string JsonText(std::string_view column, std::string_view key) const override {
    return JsonNumber(column, key);
  }

  // Maps a SQLite result code (and the connection's message) to a Status.
  Status ErrorStatus(int rc, std::string_view what) const;

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace tilsyn::store::sql
