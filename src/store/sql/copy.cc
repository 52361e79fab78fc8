#include <filesystem>
#include <memory>
#include <set>

#include "core/clock.h"
#include "store/blob_store.h"
#include "store/copy_store.h"
#include "store/sql/pg_db.h"
#include "store/sql/sqlite_db.h"
#include "store/store.h"

namespace tilsyn::store {
namespace {

using sql::Db;
using sql::Statement;

// Every table, parents before children (foreign keys hold at every insert).
const std::vector<std::string>& TableOrder() {
  static const std::vector<std::string> kOrder = {
      "tasks",          "jobs",         "vehicles",         "tokens",
      "observations",   "blobs",        "recognition_runs", "assessments",
      "action_runs",    "audit_events", "refusals",         "permits",
      "annotations",    "case_events",  "task_references",  "images",
      "agent_settings", "users",        "sessions",         "record_facts",
      "annotation_sets"};
  return kOrder;
}

struct Column {
  std::string name;
  std::string type;  // SQLite's declared type: INTEGER, REAL, TEXT, BLOB
};

Result<std::vector<Column>> SqliteColumns(Db& db, const std::string& table) {
  TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare("PRAGMA table_info(\"" + table + "\")"));
  std::vector<Column> out;
  TILSYN_RETURN_IF_ERROR(sql::CollectRows(st, out, [](const Statement& s) {
    return Column{s.Text(1), s.Text(2)};
  }));
  return out;
}

Result<std::set<std::string>> PgColumns(Db& db, const std::string& table) {
  TILSYN_ASSIGN_OR_RETURN(Statement st,
                          db.Prepare("SELECT column_name FROM information_schema.columns "
                                     "WHERE table_schema = current_schema() AND table_name = ?"));
  st.Bind(1, table);
  std::vector<std::string> names;
  TILSYN_RETURN_IF_ERROR(sql::CollectRows(st, names, [](const Statement& s) { return s.Text(0); }));
  return std::set<std::string>(names.begin(), names.end());
}

std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

Result<int64_t> CopyTable(Db& from, Db& to, const std::string& table) {
  TILSYN_ASSIGN_OR_RETURN(std::vector<Column> cols, SqliteColumns(from, table));
  TILSYN_ASSIGN_OR_RETURN(std::set<std::string> target, PgColumns(to, table));
  // PostgreSQL keeps SQLite's implicit insertion order as an explicit `rowid` column.
  if (target.count("rowid")) cols.insert(cols.begin(), Column{"rowid", "INTEGER"});
  std::string names, marks;
  for (const Column& c : cols) {
    if (!target.count(c.name)) {
      return Status::FailedPrecondition("column " + table + "." + c.name +
                                        " has no place in the PostgreSQL schema");
    }
    names += (names.empty() ? "" : ", ") + Quoted(c.name);
    marks += marks.empty() ? "?" : ", ?";
  }
  TILSYN_ASSIGN_OR_RETURN(Statement read, from.Prepare("SELECT " + names + " FROM " +
                                                       Quoted(table) + " ORDER BY rowid"));
  const std::string insert =
      "INSERT INTO " + Quoted(table) + " (" + names + ") VALUES (" + marks + ")";
  int64_t rows = 0;
  while (true) {
    TILSYN_ASSIGN_OR_RETURN(bool row, read.Step());
    if (!row) break;
    // PostgreSQL prepares `insert` once per connection; this is a cursor over that statement.
    TILSYN_ASSIGN_OR_RETURN(Statement ins, to.Prepare(insert));
    for (int i = 0; i < static_cast<int>(cols.size()); ++i) {
      const std::string& type = cols[static_cast<size_t>(i)].type;
      const auto kind = type == "INTEGER" ? sql::Cursor::Type::kInt
                        : type == "REAL"  ? sql::Cursor::Type::kDouble
                                          : sql::Cursor::Type::kText;
      if (read.IsNull(i)) {
        ins.BindNull(i + 1, kind);
      } else if (type == "INTEGER") {
        ins.Bind(i + 1, read.Int(i));
      } else if (type == "REAL") {
        ins.Bind(i + 1, read.Double(i));
      } else if (type == "BLOB") {
        ins.BindBlob(i + 1, read.Blob(i));
      } else {
        ins.Bind(i + 1, read.Text(i));
      }
    }
    Status st = ins.Run();
    if (!st.ok()) return st.Annotate("copy " + table + " row " + std::to_string(rows + 1));
    ++rows;
  }
  return rows;
}

// Identity columns continue after the copied values.
Status ResetIdentities(Db& to) {
  TILSYN_ASSIGN_OR_RETURN(
      Statement st, to.Prepare("SELECT table_name, column_name FROM information_schema.columns "
                               "WHERE table_schema = current_schema() AND is_identity = 'YES'"));
  std::vector<std::pair<std::string, std::string>> ids;
  TILSYN_RETURN_IF_ERROR(sql::CollectRows(
      st, ids, [](const Statement& s) { return std::make_pair(s.Text(0), s.Text(1)); }));
  for (const auto& [table, column] : ids) {
    TILSYN_RETURN_IF_ERROR(to.Exec("SELECT setval(pg_get_serial_sequence('" + table + "', '" +
                                   column + "'), COALESCE(MAX(" + Quoted(column) +
                                   "), 0) + 1, false) FROM " + Quoted(table)));
  }
  return Status::Ok();
}

}  // namespace

Result<CopyReport> CopySqliteToPostgres(const std::string& sqlite_path,
                                        const std::string& images_dir, const std::string& pg_url,
                                        const std::function<void(const std::string&)>& progress) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(sqlite_path, ec)) {
    return Status::NotFound("no SQLite database at " + sqlite_path, "data_dir");
  }
  // Both at the current schema: the source as the server would migrate it, the target created.
  TILSYN_ASSIGN_OR_RETURN(auto source_store, OpenSqliteStore(sqlite_path));
  source_store.reset();
  TILSYN_ASSIGN_OR_RETURN(auto target_store, OpenPostgresStore(pg_url, 1));
  target_store.reset();
  TILSYN_ASSIGN_OR_RETURN(std::unique_ptr<sql::SqliteDb> from, sql::SqliteDb::Open(sqlite_path));
  TILSYN_ASSIGN_OR_RETURN(std::unique_ptr<sql::PgDb> to, sql::PgDb::Connect(pg_url));

  // Every table of the source must be one this binary copies.
  TILSYN_ASSIGN_OR_RETURN(Statement names,
                          from->Prepare("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%' ORDER BY name"));
  std::vector<std::string> tables;
  TILSYN_RETURN_IF_ERROR(
      sql::CollectRows(names, tables, [](const Statement& s) { return s.Text(0); }));
  const std::set<std::string> known(TableOrder().begin(), TableOrder().end());
  for (const std::string& t : tables) {
    if (!known.count(t)) {
      return Status::FailedPrecondition("the source has a table this program does not know: " + t);
    }
  }

  sql::Transaction src(*from, Db::Mode::kRead);  // one snapshot of the source
  TILSYN_RETURN_IF_ERROR(src.status());
  sql::Transaction txn(*to, Db::Mode::kWrite);
  TILSYN_RETURN_IF_ERROR(txn.status());
  for (const std::string& t : TableOrder()) {
    TILSYN_ASSIGN_OR_RETURN(int64_t n, to->QueryInt("SELECT COUNT(*) FROM " + Quoted(t)));
    if (n > 0) {
      return Status::FailedPrecondition(
          "the target database already holds data (" + t + ": " + std::to_string(n) + " rows)",
          "to");
    }
  }
  CopyReport report;
  for (const std::string& t : TableOrder()) {
    TILSYN_ASSIGN_OR_RETURN(int64_t rows, CopyTable(*from, *to, t));
    report.tables.emplace_back(t, rows);
    if (progress) progress(t + ": " + std::to_string(rows) + " rows");
  }
  if (!images_dir.empty() && std::filesystem::is_directory(images_dir, ec)) {
    TILSYN_ASSIGN_OR_RETURN(std::unique_ptr<BlobStore> files, OpenDirBlobStore(images_dir));
    TILSYN_ASSIGN_OR_RETURN(std::vector<std::string> keys, files->Keys());
    const TimeMs now = SystemClock::Get()->NowMs();
    for (const std::string& key : keys) {
      TILSYN_ASSIGN_OR_RETURN(std::string bytes, files->Get(key));
      TILSYN_ASSIGN_OR_RETURN(
          Statement ins, to->Prepare("INSERT INTO images (key, data, stored_ms) VALUES (?, ?, ?) "
                                     "ON CONFLICT(key) DO UPDATE SET data = excluded.data"));
      ins.Bind(1, key).BindBlob(2, bytes).Bind(3, now);
      TILSYN_RETURN_IF_ERROR(ins.Run());
      ++report.images;
      report.image_bytes += static_cast<int64_t>(bytes.size());
      if (progress && report.images % 100 == 0) {
        progress("images: " + std::to_string(report.images) + " of " + std::to_string(keys.size()));
      }
    }
    if (progress) progress("images: " + std::to_string(report.images) + " files");
  }
  TILSYN_RETURN_IF_ERROR(ResetIdentities(*to));
  TILSYN_RETURN_IF_ERROR(txn.Commit());
  return report;
}

}  // namespace tilsyn::store
