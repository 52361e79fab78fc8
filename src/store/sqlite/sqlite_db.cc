#include "store/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

namespace tilsyn::store::sqlite {

// ---- Statement

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::Bind(int index, int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
  return *this;
}

Statement& Statement::Bind(int index, double v) {
  sqlite3_bind_double(stmt_, index, v);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view v) {
  sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<double>& v) {
  return v ? Bind(index, *v) : BindNull(index);
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& v) {
  return v ? Bind(index, *v) : BindNull(index);
}

Statement& Statement::Bind(int index, const std::optional<int>& v) {
  return v ? Bind(index, static_cast<int64_t>(*v)) : BindNull(index);
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->ErrorStatus(rc, sqlite3_sql(stmt_));
}

Status Statement::Run() {
  while (true) {
    TILSYN_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

double Statement::Double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return "";
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<int64_t> Statement::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

std::optional<double> Statement::OptDouble(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Double(col);
}

// ---- Db

Result<std::unique_ptr<Db>> Db::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    if (raw) sqlite3_close(raw);
    return Status::IoError("open sqlite database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  return std::unique_ptr<Db>(new Db(raw));
}

Db::~Db() {
  if (db_) sqlite3_close_v2(db_);
}

Status Db::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) return ErrorStatus(rc, sql);
  return Status::Ok();
}

Result<Statement> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (stmt) sqlite3_finalize(stmt);
    return ErrorStatus(rc, sql);
  }
  return Statement(this, stmt);
}

int64_t Db::Changes() const { return sqlite3_changes64(db_); }

Result<int64_t> Db::QueryInt(std::string_view sql) {
  TILSYN_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
  TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no row");
  return st.Int(0);
}

Status Db::ErrorStatus(int rc, std::string_view what) const {
  std::string msg = std::string(sqlite3_errmsg(db_)) + " [" + std::string(what.substr(0, 80)) + "]";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("database busy: " + msg);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists("duplicate key: " + msg);
      }
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Status::NotFound("referenced record does not exist: " + msg);
      }
      return Status::Internal("constraint failed: " + msg);
    case SQLITE_FULL:
      return Status::StorageFull("database full: " + msg);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return Status::IoError("database i/o: " + msg);
    default:
      return Status::Internal("sqlite: " + msg);
  }
}

// ---- Transaction

Transaction::Transaction(Db& db, Mode mode) : db_(db) {
  begin_status_ = db_.Exec(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  open_ = begin_status_.ok();
}

Transaction::~Transaction() {
  if (open_) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (!open_) return begin_status_.ok() ? Status::Internal("transaction not open") : begin_status_;
  Status st = db_.Exec("COMMIT");
  // A failed COMMIT (e.g. SQLITE_BUSY) leaves the transaction open; the destructor rolls back.
  if (st.ok()) open_ = false;
  return st;
}

}  // namespace tilsyn::store::sqlite
