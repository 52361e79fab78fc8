// Tampering with the SQLite audit trail behind the store's back (raw SQL, as someone with the
// database file could) is found by VerifyAuditChain at the right entry (invariant 5). The
// append-only triggers are dropped first, as an attacker would.
#include <gtest/gtest.h>

#include "fakes/test_paths.h"
#include "store/audit_chain.h"
#include "store/sql/sqlite_db.h"
#include "store/store.h"

namespace tilsyn::store {
namespace {

class AuditTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto st = OpenSqliteStore(Path());
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    for (int i = 1; i <= 5; ++i) {
      AuditEvent e;
      e.at = 1'700'000'000'000 + i;
      e.user = "dpo1";
      e.role = "dpo";
      e.action = "image.view";
      e.object_type = "image";
      e.object_id = "obs-" + std::to_string(i);
      e.purpose = "complaint " + std::to_string(i);
      ASSERT_TRUE((*st)->AppendAudit(e).ok());
    }
  }
  std::string Path() const { return dir_.Sub("tilsyn.db"); }

  // Runs SQL on the database file directly, past the store.
  void RawSql(const std::string& sql) {
    auto db = sql::SqliteDb::Open(Path());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec(sql).ok()) << sql;
  }
  AuditVerification Verify() {
    auto st = OpenSqliteStore(Path());
    EXPECT_TRUE(st.ok());
    return VerifyAuditChain((*st)->ListAudit({}).value());
  }
  void DropTriggers() {
    RawSql("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;");
  }

  ::tilsyn::testing::TempDir dir_;
};

TEST_F(AuditTamperTest, UntouchedChainVerifies) {
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.checked, 5);
}

TEST_F(AuditTamperTest, TheTableRefusesUpdateAndDeleteThroughSql) {
  auto db = sql::SqliteDb::Open(Path());
  ASSERT_TRUE(db.ok());
  EXPECT_FALSE((*db)->Exec("UPDATE audit_events SET purpose = 'x' WHERE seq = 2").ok());
  EXPECT_FALSE((*db)->Exec("DELETE FROM audit_events WHERE seq = 2").ok());
  EXPECT_TRUE(Verify().ok);
}

TEST_F(AuditTamperTest, AlteredRowIsFoundAtItsSeq) {
  DropTriggers();
  RawSql("UPDATE audit_events SET purpose = 'nothing to see' WHERE seq = 3");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
  EXPECT_EQ(v.checked, 2);
}

TEST_F(AuditTamperTest, AlteredRowWithRecomputedOwnHashBreaksTheNextLink) {
  DropTriggers();
  // The attacker fixes up row 3's own hash; row 4's prev_hash still names the old one.
  auto st = OpenSqliteStore(Path());
  ASSERT_TRUE(st.ok());
  AuditEvent e = (*st)->ListAudit({}).value()[2];
  e.user = "someone-else";
  RawSql("UPDATE audit_events SET user = 'someone-else', hash = '" + AuditHash(e) +
         "' WHERE seq = 3");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 4);
}

TEST_F(AuditTamperTest, DeletedRowIsFoundAtItsSeq) {
  DropTriggers();
  RawSql("DELETE FROM audit_events WHERE seq = 2");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 2);
}

TEST_F(AuditTamperTest, SwappedRowsAreFoundAtTheFirstOfThem) {
  DropTriggers();
  RawSql("UPDATE audit_events SET seq = -1 WHERE seq = 3;"
         "UPDATE audit_events SET seq = 3 WHERE seq = 4;"
         "UPDATE audit_events SET seq = 4 WHERE seq = -1;");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
}

TEST_F(AuditTamperTest, SwappedContentKeepingSeqIsFound) {
  DropTriggers();
  // Swap everything but seq between rows 2 and 3.
  RawSql(
      "CREATE TEMP TABLE t AS SELECT * FROM audit_events WHERE seq IN (2, 3);"
      "UPDATE audit_events SET (at_ms, user, role, action, object_type, object_id, purpose, "
      "details, prev_hash, hash) = (SELECT at_ms, user, role, action, object_type, object_id, "
      "purpose, details, prev_hash, hash FROM t WHERE t.seq = 5 - audit_events.seq) "
      "WHERE seq IN (2, 3);");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 2);
}

}  // namespace
}  // namespace tilsyn::store
