#include "store/sql/pg_db.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace tilsyn::store::sql {

// Parameter types (pg_type OIDs): int8, float8, text, bytea.
constexpr Oid kInt8 = 20, kFloat8 = 701, kText = 25, kBytea = 17;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

class PgCursor final : public Cursor {
 public:
  PgCursor(PgDb* db, std::string sql, int params)
      : db_(db), sql_(std::move(sql)), values_(static_cast<size_t>(params)),
        null_(static_cast<size_t>(params), true), types_(static_cast<size_t>(params), 0),
        lengths_(static_cast<size_t>(params), 0), formats_(static_cast<size_t>(params), 0) {}
  ~PgCursor() override {
    if (res_) PQclear(res_);
  }

  void BindInt(int index, int64_t v) override { Set(index, std::to_string(v), kInt8); }
  void BindDouble(int index, double v) override {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    Set(index, buf, kFloat8);
  }
  void BindText(int index, std::string_view v) override {
    // PostgreSQL text cannot hold NUL; SQLite would store it. Refuse rather than truncate.
    if (v.find('\0') != std::string_view::npos) bad_text_ = true;
    Set(index, std::string(v), kText);
  }
  // Bytes go in binary format (no escaping, NUL allowed).
  void BindBlob(int index, std::string_view v) override {
    Set(index, std::string(v), kBytea);
    if (!InRange(index)) return;
    lengths_[index - 1] = static_cast<int>(v.size());
    formats_[index - 1] = 1;
  }
  void BindNull(int index, Type type) override {
    if (!InRange(index)) return;
    null_[index - 1] = true;
    types_[index - 1] = type == Type::kInt ? kInt8 : type == Type::kDouble ? kFloat8 : kText;
  }

  Result<bool> Step() override {
    if (!res_) {
      TILSYN_RETURN_IF_ERROR(Execute());
      row_ = 0;
    } else {
      ++row_;
    }
    return row_ < PQntuples(res_);
  }

  bool IsNull(int col) const override { return PQgetisnull(res_, row_, col) != 0; }
  int64_t Int(int col) const override {
    const char* v = PQgetvalue(res_, row_, col);
    if (v[0] == 't' && v[1] == '\0') return 1;  // a boolean expression: SQLite reads it as 1/0
    return std::strtoll(v, nullptr, 10);
  }
  double Double(int col) const override {
    return std::strtod(PQgetvalue(res_, row_, col), nullptr);
  }
  std::string Text(int col) const override {
    return std::string(PQgetvalue(res_, row_, col),
                       static_cast<size_t>(PQgetlength(res_, row_, col)));
  }
  // A bytea column in text results: "\x" and two hex digits a byte.
  std::string Blob(int col) const override {
    const char* v = PQgetvalue(res_, row_, col);
    const size_t n = static_cast<size_t>(PQgetlength(res_, row_, col));
    if (n < 2 || v[0] != '\\' || v[1] != 'x') return std::string(v, n);
    std::string out((n - 2) / 2, '\0');
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = static_cast<char>(HexDigit(v[2 + 2 * i]) << 4 | HexDigit(v[3 + 2 * i]));
    }
    return out;
  }

 private:
  bool InRange(int index) const { return index >= 1 && index <= static_cast<int>(values_.size()); }
  void Set(int index, std::string v, Oid type) {
    if (!InRange(index)) return;
    values_[index - 1] = std::move(v);
    null_[index - 1] = false;
    types_[index - 1] = type;
    formats_[index - 1] = 0;
  }

  Status Execute() {
    if (bad_text_) return Status::InvalidArgument("text contains a NUL byte");
    std::string key = sql_;
    for (Oid t : types_) key += "|" + std::to_string(t);
    auto it = db_->prepared_.find(key);
    if (it == db_->prepared_.end()) {
      std::string name = "s" + std::to_string(db_->prepared_.size() + 1);
      PGresult* p = PQprepare(db_->conn_, name.c_str(), sql_.c_str(),
                              static_cast<int>(types_.size()), types_.data());
      bool ok = p && PQresultStatus(p) == PGRES_COMMAND_OK;
      Status st = ok ? Status::Ok() : db_->ErrorStatus(p, sql_);
      if (p) PQclear(p);
      TILSYN_RETURN_IF_ERROR(st);
      it = db_->prepared_.emplace(key, name).first;
    }
    std::vector<const char*> values(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) values[i] = null_[i] ? nullptr : values_[i].c_str();
    res_ = PQexecPrepared(db_->conn_, it->second.c_str(), static_cast<int>(values.size()),
                          values.data(), lengths_.data(), formats_.data(), 0);
    ExecStatusType s = res_ ? PQresultStatus(res_) : PGRES_FATAL_ERROR;
    if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
      Status st = db_->ErrorStatus(res_, sql_);
      if (res_) PQclear(res_);
      res_ = nullptr;
      return st;
    }
    const char* n = PQcmdTuples(res_);
    db_->changes_ = (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
    return Status::Ok();
  }

  PgDb* db_;
  std::string sql_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<Oid> types_;
  std::vector<int> lengths_;  // binary parameters only
  std::vector<int> formats_;  // 0 text, 1 binary
  bool bad_text_ = false;
  PGresult* res_ = nullptr;
  int row_ = -1;
};

Result<std::unique_ptr<PgDb>> PgDb::Connect(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    std::string msg = conn ? PQerrorMessage(conn) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (conn) PQfinish(conn);
    // The answer names no host, port or user: it may reach an API client (a pooled connection
    // is opened on demand); the server's log has the reason.
    return Reported(Status::Unavailable("cannot connect to the database"), msg);
  }
  // Notices (e.g. "relation already exists, skipping") are not errors: keep them off stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  std::unique_ptr<PgDb> db(new PgDb(conn));
  TILSYN_RETURN_IF_ERROR(db->Exec("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'"));
  return db;
}

PgDb::~PgDb() {
  if (conn_) PQfinish(conn_);
}

bool PgDb::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

Status PgDb::Exec(std::string_view sql) {
  std::string text(sql);
  PGresult* res = PQexec(conn_, text.c_str());
  ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  Status st =
      (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) ? Status::Ok() : ErrorStatus(res, sql);
  if (res) PQclear(res);
  return st;
}

Result<Statement> PgDb::Prepare(std::string_view sql) {
  int n = 0;
  std::string numbered = NumberPlaceholders(sql, &n);
  return Statement(std::make_unique<PgCursor>(this, std::move(numbered), n));
}

std::string PgDb::NumberPlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  *count = 0;
  char quote = 0;
  int next = 0;  // the number a bare `?` takes (SQLite: one more than the largest so far)
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      int n = 0;
      size_t j = i + 1;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
      if (j == i + 1) n = next + 1;  // bare `?`
      i = j - 1;
      next = std::max(next, n);
      out += "$" + std::to_string(n);
    } else {
      out += c;
    }
  }
  *count = next;
  return out;
}

std::string PgDb::JsonNumber(std::string_view column, std::string_view key) const {
  // SQLite's json_extract reads true/false as 1/0: the same here.
  std::string v = "(" + std::string(column) + "::jsonb -> '" + std::string(key) + "')";
  return "(CASE jsonb_typeof" + v + " WHEN 'number' THEN (" + v +
         ")::text::float8 WHEN 'boolean' THEN (CASE WHEN " + v +
         " = 'true'::jsonb THEN 1 ELSE 0 END) END)";
}

std::string PgDb::JsonText(std::string_view column, std::string_view key) const {
  return "(" + std::string(column) + "::jsonb ->> '" + std::string(key) + "')";
}

Status PgDb::ErrorStatus(const pg_result* res, std::string_view what) const {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = res ? PQresultErrorMessage(res) : "";
  if (msg.empty()) msg = PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  msg += " [" + std::string(what.substr(0, 80)) + "]";
  std::string code = state ? state : "";
  if (PQstatus(conn_) != CONNECTION_OK || code.rfind("08", 0) == 0 || code.rfind("57P", 0) == 0) {
    return Reported(Status::Unavailable("the database is not reachable; try again later"), msg);
  }
  if (code == "40001" || code == "40P01") {
    return Reported(Status::Unavailable("a conflicting change in the database; try again"), msg,
                    /*expected=*/true);
  }
  if (code == "23505") {
    return Reported(Status::AlreadyExists("a record with this key already exists"), msg, true);
  }
  if (code == "23503") return Reported(Status::NotFound("a record it refers to does not exist"), msg);
  if (code == "53100") return Reported(Status::StorageFull("the database is full"), msg);
  if (code.rfind("23", 0) == 0) return Status::Internal("constraint failed: " + msg);
  if (code == "22021" || code == "22P05") {
    return Reported(Status::InvalidArgument("text the database cannot store (invalid UTF-8)"), msg);
  }
  return Status::Internal("postgresql: " + msg);
}

namespace {

class PgWorkListener final : public Store::WorkListener {
 public:
  explicit PgWorkListener(std::string url) : url_(std::move(url)) {}
  ~PgWorkListener() override {
    if (conn_) PQfinish(conn_);
  }

  bool Wait(int timeout_ms) override {
    if (!Connected()) {
      // Down: behave like a poll interval, and try again next time.
      ::poll(nullptr, 0, timeout_ms);
      return false;
    }
    if (Drain()) return true;
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    if (!PQconsumeInput(conn_)) {
      Drop();
      return false;
    }
    return Drain();
  }

 private:
  bool Connected() {
    if (conn_ && PQstatus(conn_) == CONNECTION_OK) return true;
    Drop();
    conn_ = PQconnectdb(url_.c_str());
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      Drop();
      return false;
    }
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    PGresult* r = PQexec(conn_, "SELECT current_schema()");
    std::string schema = (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
                             ? PQgetvalue(r, 0, 0) : "public";
    if (r) PQclear(r);
    std::string channel = std::string(PgDb::kWorkChannel) + "_" + schema;
    char* quoted = PQescapeIdentifier(conn_, channel.c_str(), channel.size());
    r = quoted ? PQexec(conn_, ("LISTEN " + std::string(quoted)).c_str()) : nullptr;
    if (quoted) PQfreemem(quoted);
    const bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (r) PQclear(r);
    if (!ok) Drop();
    return ok;
  }
  // Reads every pending notification; true when there was one.
  bool Drain() {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      any = true;
      PQfreemem(n);
    }
    return any;
  }
  void Drop() {
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
  }

  std::string url_;
  PGconn* conn_ = nullptr;
};

}  // namespace

std::unique_ptr<Store::WorkListener> NewPgWorkListener(const std::string& url) {
  return std::make_unique<PgWorkListener>(url);
}

}  // namespace tilsyn::store::sql
