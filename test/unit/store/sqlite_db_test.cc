// SQLite-specific behaviour: the connection wrapper, migrations, pragmas and concurrency.
#include <gtest/gtest.h>

#include <thread>

#include "fakes/test_paths.h"
#include "store/sql/migrations.h"
#include "store/sql/sqlite_db.h"
#include "store/store.h"

namespace tilsyn::store::sql {
namespace {

using ::tilsyn::testing::TempDir;

std::unique_ptr<SqliteDb> OpenDb(const std::string& path) {
  auto db = SqliteDb::Open(path);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return std::move(db).value();
}

TEST(SqlStore, NewDatabaseIsAtLatestSchemaInWalMode) {
  TempDir tmp;
  const std::string path = tmp.Sub("t.db");
  ASSERT_TRUE(OpenSqliteStore(path).ok());
  auto db = OpenDb(path);
  EXPECT_EQ(db->QueryInt("PRAGMA user_version").value(), LatestSchemaVersion());
  auto st = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(st->Step().value());
  EXPECT_EQ(st->Text(0), "wal");
}

TEST(SqlStore, ReopeningMigratedDatabaseKeepsDataAndVersion) {
  TempDir tmp;
  const std::string path = tmp.Sub("t.db");
  {
    auto s = OpenSqliteStore(path);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->PutToken({"h", Role::kAdmin, "root", 1}).ok());
  }
  for (int i = 0; i < 2; ++i) {
    auto s = OpenSqliteStore(path);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ((*s)->CountTokens().value(), 1);
  }
  EXPECT_EQ(OpenDb(path)->QueryInt("PRAGMA user_version").value(), LatestSchemaVersion());
}

TEST(SqlStore, DatabaseFromNewerProgramIsRefused) {
  TempDir tmp;
  const std::string path = tmp.Sub("t.db");
  ASSERT_TRUE(OpenSqliteStore(path).ok());
  ASSERT_TRUE(OpenDb(path)
                  ->Exec("PRAGMA user_version = " + std::to_string(LatestSchemaVersion() + 1))
                  .ok());
  auto s = OpenSqliteStore(path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kFailedPrecondition);
}

TEST(SqlStore, FailedMigrationLeavesDatabaseUntouched) {
  TempDir tmp;
  const std::string path = tmp.Sub("t.db");
  // A clashing table makes migration 1 fail part-way (after nothing, or after some tables).
  ASSERT_TRUE(OpenDb(path)->Exec("CREATE TABLE observations (x INTEGER)").ok());
  auto s = OpenSqliteStore(path);
  ASSERT_FALSE(s.ok());
  auto db = OpenDb(path);
  EXPECT_EQ(db->QueryInt("PRAGMA user_version").value(), 0);
  // Tables created before the failing statement were rolled back.
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE name = 'tasks'").value(), 0);
}

TEST(SqlStore, InMemoryDatabaseWorks) {
  auto s = OpenSqliteStore(":memory:");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE((*s)->PutToken({"h", Role::kAdmin, "root", 1}).ok());
  EXPECT_EQ((*s)->CountTokens().value(), 1);
}

TEST(SqlStore, UnopenablePathIsAnError) {
  TempDir tmp;
  auto s = OpenSqliteStore(tmp.Sub("missing-dir/t.db"));
  EXPECT_FALSE(s.ok());
}

TEST(SqlStore, ConcurrentWritersAllSucceed) {
  TempDir tmp;
  auto s = OpenSqliteStore(tmp.Sub("t.db"));
  ASSERT_TRUE(s.ok());
  Store& store = **s;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < 25; ++i) {
        std::string h = "h" + std::to_string(t) + "-" + std::to_string(i);
        EXPECT_TRUE(store.PutToken({h, Role::kInspector, "u", i}).ok());
        EXPECT_TRUE(store.CountTokens().ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(store.CountTokens().value(), 100);
}

TEST(SqliteDb, BusyDatabaseIsUnavailableAndRetryable) {
  TempDir tmp;
  const std::string path = tmp.Sub("t.db");
  auto a = OpenDb(path);
  auto b = OpenDb(path);
  ASSERT_TRUE(a->Exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)").ok());
  Transaction hold(*a, Transaction::Mode::kWrite);
  ASSERT_TRUE(hold.status().ok());
  Transaction blocked(*b, Transaction::Mode::kWrite);
  EXPECT_EQ(blocked.status().code(), Code::kUnavailable);
  EXPECT_TRUE(blocked.status().retryable());
}

TEST(SqliteDb, ConstraintViolationsMapToCodes) {
  TempDir tmp;
  auto db = OpenDb(tmp.Sub("t.db"));
  ASSERT_TRUE(db->Exec("PRAGMA foreign_keys = ON; CREATE TABLE p (id TEXT PRIMARY KEY); "
                       "CREATE TABLE c (id TEXT PRIMARY KEY, p TEXT REFERENCES p(id), "
                       "u TEXT UNIQUE, n TEXT NOT NULL)")
                  .ok());
  ASSERT_TRUE(db->Exec("INSERT INTO p VALUES ('p1')").ok());
  ASSERT_TRUE(db->Exec("INSERT INTO c VALUES ('c1', 'p1', 'u1', 'n')").ok());
  EXPECT_EQ(db->Exec("INSERT INTO c VALUES ('c1', 'p1', 'u2', 'n')").code(), Code::kAlreadyExists);
  EXPECT_EQ(db->Exec("INSERT INTO c VALUES ('c2', 'p1', 'u1', 'n')").code(), Code::kAlreadyExists);
  EXPECT_EQ(db->Exec("INSERT INTO c VALUES ('c3', 'zz', 'u3', 'n')").code(), Code::kNotFound);
  EXPECT_EQ(db->Exec("INSERT INTO c VALUES ('c4', 'p1', 'u4', NULL)").code(), Code::kInternal);
  EXPECT_EQ(db->Exec("SELEKT 1").code(), Code::kInternal);
}

TEST(SqliteDb, TransactionRollsBackUnlessCommitted) {
  TempDir tmp;
  auto db = OpenDb(tmp.Sub("t.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE t (x INTEGER)").ok());
  {
    Transaction txn(*db, Transaction::Mode::kWrite);
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());
  }
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM t").value(), 0);
  {
    Transaction txn(*db, Transaction::Mode::kWrite);
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM t").value(), 1);
}

TEST(SqliteDb, StatementBindsAndReadsNulls) {
  TempDir tmp;
  auto db = OpenDb(tmp.Sub("t.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE t (a INTEGER, b REAL, c TEXT)").ok());
  auto ins = db->Prepare("INSERT INTO t VALUES (?, ?, ?)");
  ASSERT_TRUE(ins.ok());
  ins->Bind(1, std::optional<int64_t>()).Bind(2, std::optional<double>(2.5)).Bind(3, "x\0y");
  ASSERT_TRUE(ins->Run().ok());
  auto sel = db->Prepare("SELECT a, b, c FROM t");
  ASSERT_TRUE(sel->Step().value());
  EXPECT_FALSE(sel->OptInt(0).has_value());
  EXPECT_DOUBLE_EQ(sel->OptDouble(1).value(), 2.5);
  EXPECT_EQ(sel->Text(2), "x");
  EXPECT_FALSE(sel->Step().value());
}

TEST(SqlStore, ReadyOnlyAtTheSchemaThisProgramWrites) {
  TempDir tmp;
  const std::string path = tmp.Sub("t.db");
  auto store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->Ready().ok());
  // Another program (an older binary's restore, a manual edit) leaves another version.
  ASSERT_TRUE(OpenDb(path)->Exec("PRAGMA user_version = 1").ok());
  Status st = (*store)->Ready();
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_NE(st.message().find("schema is version 1"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace tilsyn::store::sql
