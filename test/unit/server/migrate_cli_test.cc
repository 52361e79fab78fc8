// `tilsyn migrate --to`: argument errors (the copy itself is tested in
// test/unit/store/pg_db_test.cc against a real PostgreSQL).
#include "server/migrate_cli.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "fakes/test_paths.h"

namespace tilsyn::server {
namespace {

TEST(MigrateCli, TheTargetMustBeAPostgresqlUrl) {
  ::tilsyn::testing::TempDir dir;
  MigrateFlags f;
  f.server.data_dir = dir.path();
  f.to = "mysql://db/tilsyn";
  EXPECT_EQ(RunMigrate(f), 2);
}

TEST(MigrateCli, AnInstallWithoutADatabaseIsReportedNotCreated) {
  ::tilsyn::testing::TempDir dir;
  MigrateFlags f;
  f.server.data_dir = dir.Sub("nothing-here");
  f.to = "postgresql://tilsyn@127.0.0.1:1/none";
  EXPECT_EQ(RunMigrate(f), 1);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("nothing-here/tilsyn.db")));
}

TEST(MigrateCli, TheSourceIsTheSqliteInstallNotAnotherDatabase) {
  ::tilsyn::testing::TempDir dir;
  MigrateFlags f;
  f.server.data_dir = dir.path();
  f.server.database = "postgresql://tilsyn@127.0.0.1:1/other";
  f.to = "postgresql://tilsyn@127.0.0.1:1/none";
  EXPECT_EQ(RunMigrate(f), 2);
}

}  // namespace
}  // namespace tilsyn::server
