// A thin RAII wrapper over the SQLite C API: a connection (Db), prepared statements (Statement)
// and transactions (Transaction), reporting failures as Status. SQLITE_BUSY/LOCKED map to
// Unavailable (retryable), unique/primary-key violations to AlreadyExists, foreign-key violations
// to NotFound, everything else to Internal. Not thread-safe: the owner serialises access.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tilsyn::store::sqlite {

class Db;

// A prepared statement. Bind indexes and column indexes follow SQLite: binds are 1-based,
// columns 0-based. Text is copied on bind (SQLITE_TRANSIENT).
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, int64_t v);
  Statement& Bind(int index, int v) { return Bind(index, static_cast<int64_t>(v)); }
  Statement& Bind(int index, bool v) { return Bind(index, static_cast<int64_t>(v ? 1 : 0)); }
  Statement& Bind(int index, double v);
  Statement& Bind(int index, std::string_view v);
  Statement& Bind(int index, const std::string& v) { return Bind(index, std::string_view(v)); }
  Statement& Bind(int index, const char* v) { return Bind(index, std::string_view(v)); }
  Statement& Bind(int index, const std::optional<double>& v);
  Statement& Bind(int index, const std::optional<int64_t>& v);
  Statement& Bind(int index, const std::optional<int>& v);
  Statement& BindNull(int index);

  // Advances: true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps to completion, ignoring rows (INSERT/UPDATE/DELETE).
  Status Run();

  bool IsNull(int col) const;
  int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  std::optional<int64_t> OptInt(int col) const;
  std::optional<double> OptDouble(int col) const;

 private:
  friend class Db;
  Statement(Db* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Db* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Db {
 public:
  // Opens (creating if needed) the database file. `path` may be ":memory:".
  static Result<std::unique_ptr<Db>> Open(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more SQL statements without parameters.
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t Changes() const;
  // A single integer from a query (e.g. "PRAGMA user_version"); NotFound when no row.
  Result<int64_t> QueryInt(std::string_view sql);

  // Maps a SQLite result code (and the connection's message) to a Status.
  Status ErrorStatus(int rc, std::string_view what) const;

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// BEGIN on construction (IMMEDIATE for writers, so a writer never fails upgrading its lock),
// ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  enum class Mode { kRead, kWrite };
  // Check status() before use.
  Transaction(Db& db, Mode mode);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  const Status& status() const { return begin_status_; }
  Status Commit();

 private:
  Db& db_;
  Status begin_status_;
  bool open_ = false;
};

// Steps `st` to its end, appending read(st) for every row.
template <typename T, typename Read>
Status CollectRows(Statement& st, std::vector<T>& out, Read read) {
  while (true) {
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    out.push_back(read(st));
  }
}

}  // namespace tilsyn::store::sqlite
