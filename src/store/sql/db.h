// The connection layer both store backends share: a connection (Db), prepared statements
// (Statement) and transactions (Transaction), reporting failures as Status. The store's SQL is
// written once, in the dialect common to SQLite 3.40 and PostgreSQL 15 (`?` placeholders,
// INSERT … ON CONFLICT, quoted "user"); what differs (transaction modes, JSON fields, the schema)
// is asked of the Db. Errors map the same way on both: busy/serialization failures and lost
// connections to Unavailable (retryable), unique/primary-key violations to AlreadyExists,
// foreign-key violations to NotFound, a full disk to StorageFull, everything else to Internal.
// Not thread-safe: the owner serialises access to one connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tilsyn::store::sql {

enum class Dialect { kSqlite, kPostgres };

// A backend's statement. Binds are 1-based, columns 0-based.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual void BindInt(int index, int64_t v) = 0;
  virtual void BindDouble(int index, double v) = 0;
  virtual void BindText(int index, std::string_view v) = 0;
  virtual void BindBlob(int index, std::string_view bytes) = 0;
  // A NULL of the given kind (PostgreSQL types its parameters).
  enum class Type { kInt, kDouble, kText };
  virtual void BindNull(int index, Type type) = 0;
  virtual Result<bool> Step() = 0;
  virtual bool IsNull(int col) const = 0;
  virtual int64_t Int(int col) const = 0;
  virtual double Double(int col) const = 0;
  virtual std::string Text(int col) const = 0;
  virtual std::string Blob(int col) const = 0;
};

// A prepared statement: binds, then Step() through the rows (or Run() to completion).
class Statement {
 public:
  explicit Statement(std::unique_ptr<Cursor> c) : c_(std::move(c)) {}

  Statement& Bind(int index, int64_t v) { return c_->BindInt(index, v), *this; }
  Statement& Bind(int index, int v) { return Bind(index, static_cast<int64_t>(v)); }
  Statement& Bind(int index, bool v) { return Bind(index, static_cast<int64_t>(v ? 1 : 0)); }
  Statement& Bind(int index, double v) { return c_->BindDouble(index, v), *this; }
  Statement& Bind(int index, std::string_view v) { return c_->BindText(index, v), *this; }
  Statement& Bind(int index, const std::string& v) { return Bind(index, std::string_view(v)); }
  Statement& Bind(int index, const char* v) { return Bind(index, std::string_view(v)); }
  // Bytes (BLOB / BYTEA), not text.
  Statement& BindBlob(int index, std::string_view bytes) {
    return c_->BindBlob(index, bytes), *this;
  }
  Statement& Bind(int index, const std::optional<double>& v) {
    return v ? Bind(index, *v) : BindNull(index, Cursor::Type::kDouble);
  }
  Statement& Bind(int index, const std::optional<int64_t>& v) {
    return v ? Bind(index, *v) : BindNull(index, Cursor::Type::kInt);
  }
  Statement& Bind(int index, const std::optional<int>& v) {
    return v ? Bind(index, static_cast<int64_t>(*v)) : BindNull(index, Cursor::Type::kInt);
  }
  Statement& BindNull(int index, Cursor::Type type = Cursor::Type::kText) {
    return c_->BindNull(index, type), *this;
  }

  // Advances: true when a row is available, false when the statement is done.
  Result<bool> Step() { return c_->Step(); }
  // Steps to completion, ignoring rows (INSERT/UPDATE/DELETE).
  Status Run();

  bool IsNull(int col) const { return c_->IsNull(col); }
  int64_t Int(int col) const { return c_->Int(col); }
  double Double(int col) const { return c_->Double(col); }
  std::string Text(int col) const { return c_->Text(col); }
  std::string Blob(int col) const { return c_->Blob(col); }
  std::optional<int64_t> OptInt(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<int64_t>(Int(col));
  }
  std::optional<double> OptDouble(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<double>(Double(col));
  }

 private:
  std::unique_ptr<Cursor> c_;
};

class Db {
 public:
  virtual ~Db() = default;
  virtual Dialect dialect() const = 0;

  // Runs one or more SQL statements without parameters.
  virtual Status Exec(std::string_view sql) = 0;
  virtual Result<Statement> Prepare(std::string_view sql) = 0;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  virtual int64_t Changes() const = 0;
  // A single integer from a query; NotFound when no row.
  Result<int64_t> QueryInt(std::string_view sql);

  // kClaim: a writer that takes the next row of a work queue (SELECT … ClaimLock(), then UPDATE).
  enum class Mode { kRead, kWrite, kClaim };
  // The statement that opens a transaction: a writer never fails upgrading its lock (SQLite
  // BEGIN IMMEDIATE), and sees the database as if alone (PostgreSQL SERIALIZABLE). A claim runs
  // at READ COMMITTED on PostgreSQL: with ClaimLock() concurrent claimers skip each other's rows
  // instead of failing to serialize.
  virtual std::string_view BeginSql(Mode mode) const = 0;
  // Appended to a claim's SELECT: PostgreSQL " FOR UPDATE [OF table] SKIP LOCKED" (a row another
  // worker is claiming is passed over; `of` names the joined table whose rows are claimed),
  // nothing on SQLite (one writer at a time anyway).
  virtual std::string ClaimLock(std::string_view of = {}) const { return ""; }
  // An expression reading a number (`number`) or text from a JSON text column.
  virtual std::string JsonNumber(std::string_view column, std::string_view key) const = 0;
  virtual std::string JsonText(std::string_view column, std::string_view key) const = 0;
  // False once the connection is known to be unusable (the pool then drops it).
  virtual bool healthy() const { return true; }
};

// BEGIN on construction, ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  using Mode = Db::Mode;
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

// How a driver reports a failure whose own text (the database's message, the statement, a host
// name) must not travel: callers — and through them API clients — get `answer`; the detail is
// logged (as info when `expected`, e.g. a conflict that is retried, else as a warning).
// Internal and I/O failures keep their detail in the message: the HTTP layer never answers it.
Status Reported(Status answer, std::string_view detail, bool expected = false);

// "No limit" in both dialects (SQLite's -1 is an error in PostgreSQL).
inline constexpr int64_t kNoLimit = INT64_MAX;

}  // namespace tilsyn::store::sql
