// People's accounts (password hashes only, lockout counters, units) and web sessions (stored by
// the SHA-256 of the cookie value).
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace tilsyn::store::sql {
namespace {

constexpr const char* kUserColumns =
    "name, role, password_hash, units, failed_logins, locked_until_ms, disabled, created_ms, "
    "updated_ms";

Result<UserRecord> ReadUser(Statement& st) {
  UserRecord u;
  u.name = st.Text(0);
  auto role = ParseRole(st.Text(1));
  if (!role) return Status::Internal("stored user has an unknown role");
  u.role = *role;
  u.password_hash = st.Text(2);
  const Json units = ParseJsonColumn(st.Text(3), Json::array());
  if (units.is_array()) {
    for (const Json& unit : units) {
      if (unit.is_string()) u.units.push_back(unit.get<std::string>());
    }
  }
  u.failed_logins = st.Int(4);
  u.locked_until_ms = st.Int(5);
  u.disabled = st.Int(6) != 0;
  u.created_ms = st.Int(7);
  u.updated_ms = st.Int(8);
  return u;
}

Result<UserRecord> SelectUser(Db& db, const std::string& name) {
  TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kUserColumns +
                                                   " FROM users WHERE name = ?"));
  st.Bind(1, name);
  TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no such user", "name");
  return ReadUser(st);
}

}  // namespace

Status SqlStore::CreateUser(const UserRecord& u) {
  if (u.name.empty()) return Status::InvalidArgument("user name is empty", "name");
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(std::string("INSERT INTO users (") + kUserColumns +
                                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st.Bind(1, u.name).Bind(2, ToString(u.role)).Bind(3, u.password_hash);
    st.Bind(4, Json(u.units).dump()).Bind(5, u.failed_logins).Bind(6, u.locked_until_ms);
    st.Bind(7, int64_t{u.disabled ? 1 : 0}).Bind(8, u.created_ms).Bind(9, u.updated_ms);
    Status s = st.Run();
    if (s.code() == Code::kAlreadyExists)
      return Status::AlreadyExists("the user exists").WithField("name");
    return s;
  });
}

Status SqlStore::UpdateUser(const UserRecord& u) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("UPDATE users SET role = ?, password_hash = ?, units = ?, disabled = ?, "
                   "failed_logins = ?, locked_until_ms = ?, updated_ms = ? WHERE name = ?"));
    st.Bind(1, ToString(u.role)).Bind(2, u.password_hash).Bind(3, Json(u.units).dump());
    st.Bind(4, int64_t{u.disabled ? 1 : 0}).Bind(5, u.failed_logins).Bind(6, u.locked_until_ms);
    st.Bind(7, u.updated_ms).Bind(8, u.name);
    TILSYN_RETURN_IF_ERROR(st.Run());
    if (db.Changes() == 0) return Status::NotFound("no such user", "name");
    return Status::Ok();
  });
}

Result<UserRecord> SqlStore::GetUser(const std::string& name) {
  UserRecord out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(out, SelectUser(db, name));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<UserRecord>> SqlStore::ListUsers() {
  std::vector<UserRecord> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kUserColumns +
                                                     " FROM users ORDER BY name"));
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      TILSYN_ASSIGN_OR_RETURN(UserRecord u, ReadUser(st));
      out.push_back(std::move(u));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::optional<UserRecord>> SqlStore::NoteLoginAttempt(const std::string& name, TimeMs now,
                                                             int64_t max_failures,
                                                             TimeMs lock_until) {
  std::optional<UserRecord> out;
  TILSYN_RETURN_IF_ERROR(Write([&](Db& db) -> Status {
    out.reset();
    // One statement: parallel attempts cannot overwrite each other's count, and none is let
    // through while the account is locked.
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("UPDATE users SET "
                   "failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 "
                   "ELSE failed_logins + 1 END, "
                   "locked_until_ms = CASE WHEN failed_logins + 1 >= ? THEN ? "
                   "ELSE locked_until_ms END WHERE name = ? AND locked_until_ms <= ?"));
    st.Bind(1, max_failures).Bind(2, max_failures).Bind(3, lock_until).Bind(4, name).Bind(5, now);
    TILSYN_RETURN_IF_ERROR(st.Run());
    const bool counted = db.Changes() > 0;
    TILSYN_ASSIGN_OR_RETURN(UserRecord u, SelectUser(db, name));
    if (counted) out = std::move(u);
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::NoteLoginSuccess(const std::string& name) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("UPDATE users SET failed_logins = 0, locked_until_ms = 0 WHERE name = ?"));
    st.Bind(1, name);
    return st.Run();
  });
}

Status SqlStore::PutSession(const SessionRecord& s) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st, db.Prepare("INSERT INTO sessions (id_hash, user_name, csrf, created_ms, "
                                 "expires_ms) VALUES (?, ?, ?, ?, ?)"));
    st.Bind(1, s.id_hash).Bind(2, s.user).Bind(3, s.csrf).Bind(4, s.created_ms);
    st.Bind(5, s.expires_ms);
    return st.Run();
  });
}

Result<SessionRecord> SqlStore::GetSession(const std::string& id_hash) {
  SessionRecord out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st, db.Prepare("SELECT id_hash, user_name, csrf, created_ms, expires_ms FROM "
                                 "sessions WHERE id_hash = ?"));
    st.Bind(1, id_hash);
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no such session");
    out = SessionRecord{st.Text(0), st.Text(1), st.Text(2), st.Int(3), st.Int(4)};
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::DeleteSession(const std::string& id_hash) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare("DELETE FROM sessions WHERE id_hash = ?"));
    st.Bind(1, id_hash);
    return st.Run();
  });
}

Status SqlStore::DeleteSessions(const std::string& user) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare("DELETE FROM sessions WHERE user_name = ?"));
    st.Bind(1, user);
    return st.Run();
  });
}

Status SqlStore::DeleteExpiredSessions(TimeMs now) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare("DELETE FROM sessions WHERE expires_ms <= ?"));
    st.Bind(1, now);
    return st.Run();
  });
}

}  // namespace tilsyn::store::sql
