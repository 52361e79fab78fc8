// People's accounts, web sessions and token revocation on both backends.
#include <set>

#include "store_fixture.h"

namespace tilsyn::store::testing {
namespace {

UserRecord Anna() {
  UserRecord u;
  u.name = "anna";
  u.role = Role::kInspector;
  u.password_hash = "$argon2id$fake";
  u.units = {"TMF", "Vej og Park"};
  u.created_ms = u.updated_ms = kT0;
  return u;
}

TEST_P(StoreTest, UsersRoundTripAndNamesAreUnique) {
  ASSERT_TRUE(store_->CreateUser(Anna()).ok());
  EXPECT_EQ(store_->CreateUser(Anna()).code(), Code::kAlreadyExists);
  auto u = store_->GetUser("anna");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->role, Role::kInspector);
  EXPECT_EQ(u->units, (std::vector<std::string>{"TMF", "Vej og Park"}));
  EXPECT_FALSE(u->disabled);
  u->role = Role::kAdmin;
  u->units.clear();
  u->disabled = true;
  ASSERT_TRUE(store_->UpdateUser(*u).ok());
  auto after = store_->ListUsers();
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].role, Role::kAdmin);
  EXPECT_TRUE((*after)[0].units.empty());
  EXPECT_TRUE((*after)[0].disabled);
  EXPECT_EQ(store_->GetUser("bob").status().code(), Code::kNotFound);
  UserRecord bob = Anna();
  bob.name = "bob";
  EXPECT_EQ(store_->UpdateUser(bob).code(), Code::kNotFound);
}

TEST_P(StoreTest, TheFifthLoginAttemptLocksAndNoneIsCountedWhileLocked) {
  ASSERT_TRUE(store_->CreateUser(Anna()).ok());
  for (int i = 1; i <= 4; ++i) {
    auto u = store_->NoteLoginAttempt("anna", kT0, 5, kT0 + 1000);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    ASSERT_TRUE(u->has_value());
    EXPECT_EQ((*u)->failed_logins, i);
    EXPECT_EQ((*u)->locked_until_ms, 0);
  }
  auto locked = store_->NoteLoginAttempt("anna", kT0, 5, kT0 + 1000);
  ASSERT_TRUE(locked.ok() && locked->has_value());
  EXPECT_EQ((*locked)->failed_logins, 0);
  EXPECT_EQ((*locked)->locked_until_ms, kT0 + 1000);
  auto refused = store_->NoteLoginAttempt("anna", kT0 + 999, 5, kT0 + 5000);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->has_value()) << "no attempt while locked";
  EXPECT_EQ(store_->GetUser("anna")->locked_until_ms, kT0 + 1000) << "the lock is not extended";
  auto after = store_->NoteLoginAttempt("anna", kT0 + 1000, 5, kT0 + 5000);
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->failed_logins, 1);
  ASSERT_TRUE(store_->NoteLoginSuccess("anna").ok());
  EXPECT_EQ(store_->GetUser("anna")->failed_logins, 0);
  EXPECT_EQ(store_->NoteLoginAttempt("bob", kT0, 5, kT0).status().code(), Code::kNotFound);
}

TEST_P(StoreTest, SessionsAreFoundByHashAndEnd) {
  ASSERT_TRUE(store_->CreateUser(Anna()).ok());
  ASSERT_TRUE(store_->PutSession({"s1", "anna", "csrf-1", kT0, kT0 + 100}).ok());
  ASSERT_TRUE(store_->PutSession({"s2", "anna", "csrf-2", kT0, kT0 + 10'000}).ok());
  auto s = store_->GetSession("s1");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->user, "anna");
  EXPECT_EQ(s->csrf, "csrf-1");
  EXPECT_EQ(s->expires_ms, kT0 + 100);
  ASSERT_TRUE(store_->DeleteExpiredSessions(kT0 + 100).ok());
  EXPECT_EQ(store_->GetSession("s1").status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->GetSession("s2").ok());
  ASSERT_TRUE(store_->DeleteSessions("anna").ok());
  EXPECT_EQ(store_->GetSession("s2").status().code(), Code::kNotFound);
  ASSERT_TRUE(store_->PutSession({"s3", "anna", "csrf-3", kT0, kT0 + 10'000}).ok());
  ASSERT_TRUE(store_->DeleteSession("s3").ok());
  EXPECT_EQ(store_->GetSession("s3").status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->DeleteSession("never").ok());
}

TEST_P(StoreTest, TokensExpireAndAreRevokedOnce) {
  TokenRecord t{"hash-a", Role::kInspector, "bob", kT0, kT0 + 86'400'000, 0};
  ASSERT_TRUE(store_->PutToken(t).ok());
  ASSERT_TRUE(store_->PutToken({"hash-b", Role::kAdmin, "root", kT0 + 1}).ok());
  EXPECT_EQ(store_->GetTokenByHash("hash-a")->expires_ms, kT0 + 86'400'000);
  ASSERT_TRUE(store_->RevokeToken("hash-a", kT0 + 5).ok());
  ASSERT_TRUE(store_->RevokeToken("hash-a", kT0 + 9).ok());  // the first revocation stands
  EXPECT_EQ(store_->GetTokenByHash("hash-a")->revoked_ms, kT0 + 5);
  EXPECT_EQ(store_->RevokeToken("hash-x", kT0).code(), Code::kNotFound);
  auto list = store_->ListTokens();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].token_hash, "hash-b");  // newest first
}

TEST_P(StoreTest, AnInspectorWithUnitsListsOnlyTheirTasksAndThoseOfNone) {
  for (const char* unit : {"TMF", "BIF", ""}) {
    tasks::Task t = MakeTask(std::string("task-") + (*unit ? unit : "none"));
    t.unit = unit;
    ASSERT_TRUE(store_->CreateTask(t).ok());
  }
  TaskFilter f;
  f.visible_units = {"TMF"};
  auto list = store_->ListTasks(f);
  ASSERT_TRUE(list.ok());
  std::set<std::string> ids;
  for (const auto& t : *list) ids.insert(t.id);
  EXPECT_EQ(ids, (std::set<std::string>{"task-TMF", "task-none"}));
  EXPECT_EQ(store_->ListTasks({})->size(), 3u);
}

}  // namespace
}  // namespace tilsyn::store::testing
