#include "store/sql/sqlite_db.h"

#include <sqlite3.h>

#include <string>

namespace tilsyn::store::sql {
namespace {

class SqliteCursor final : public Cursor {
 public:
  SqliteCursor(const SqliteDb* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteCursor() override { sqlite3_finalize(stmt_); }

  void BindInt(int index, int64_t v) override { sqlite3_bind_int64(stmt_, index, v); }
  void BindDouble(int index, double v) override { sqlite3_bind_double(stmt_, index, v); }
  void BindText(int index, std::string_view v) override {
    sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  void BindBlob(int index, std::string_view v) override {
    sqlite3_bind_blob64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT);
  }
  void BindNull(int index, Type) override { sqlite3_bind_null(stmt_, index); }

  Result<bool> Step() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return db_->ErrorStatus(rc, sqlite3_sql(stmt_));
  }

  bool IsNull(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t Int(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const override { return sqlite3_column_double(stmt_, col); }
  std::string Blob(int col) const override {
    const void* p = sqlite3_column_blob(stmt_, col);
    if (!p) return "";
    return std::string(static_cast<const char*>(p),
                       static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  std::string Text(int col) const override {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    if (!p) return "";
    return std::string(reinterpret_cast<const char*>(p),
                       static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }

 private:
  const SqliteDb* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path) {
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
  return std::unique_ptr<SqliteDb>(new SqliteDb(raw));
}

SqliteDb::~SqliteDb() {
  if (db_) sqlite3_close_v2(db_);
}

Status SqliteDb::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) return ErrorStatus(rc, sql);
  return Status::Ok();
}

Result<Statement> SqliteDb::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (stmt) sqlite3_finalize(stmt);
    return ErrorStatus(rc, sql);
  }
  return Statement(std::make_unique<SqliteCursor>(this, stmt));
}

int64_t SqliteDb::Changes() const { return sqlite3_changes64(db_); }

std::string SqliteDb::JsonNumber(std::string_view column, std::string_view key) const {
  return "json_extract(" + std::string(column) + ", '$." + std::string(key) + "')";
}

Status SqliteDb::ErrorStatus(int rc, std::string_view what) const {
  std::string msg = std::string(sqlite3_errmsg(db_)) + " [" + std::string(what.substr(0, 80)) + "]";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Reported(Status::Unavailable("the database is busy; try again"), msg);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Reported(Status::AlreadyExists("a record with this key already exists"), msg, true);
      }
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Reported(Status::NotFound("a record it refers to does not exist"), msg);
      }
      return Status::Internal("constraint failed: " + msg);
    case SQLITE_FULL:
      return Reported(Status::StorageFull("the database is full"), msg);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return Status::IoError("database i/o: " + msg);
    default:
      return Status::Internal("sqlite: " + msg);
  }
}

}  // namespace tilsyn::store::sql
