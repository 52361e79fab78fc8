// Vehicles and bearer tokens (stored by hash only; they expire and can be revoked).
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace tilsyn::store::sql {

Status SqlStore::CreateVehicle(const Vehicle& v) {
  if (v.id.empty()) return Status::InvalidArgument("vehicle id is empty", "id");
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("INSERT INTO vehicles (id, name, kind, lane, created_ms, last_lat, last_lon, "
                   "last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    st.Bind(1, v.id).Bind(2, v.name).Bind(3, v.kind).Bind(4, v.lane).Bind(5, v.created_ms);
    st.Bind(6, v.last_lat).Bind(7, v.last_lon).Bind(8, v.last_seen_ms);
    Status s = st.Run();
    if (s.code() == Code::kAlreadyExists)
      return Status::AlreadyExists("vehicle " + v.id + " exists");
    return s;
  });
}

Result<Vehicle> SqlStore::GetVehicle(const std::string& id) {
  Vehicle out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(Select(kVehicleColumns, "vehicles", "WHERE id = ?")));
    st.Bind(1, id);
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no vehicle " + id, "id");
    out = ReadVehicle(st);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Vehicle>> SqlStore::ListVehicles() {
  std::vector<Vehicle> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(Select(kVehicleColumns, "vehicles", "ORDER BY name, id")));
    return CollectRows(st, out, ReadVehicle);
  }));
  return out;
}

Status SqlStore::UpdateVehiclePosition(const std::string& id, double lat, double lon, TimeMs at) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare(
            "UPDATE vehicles SET last_lat = ?, last_lon = ?, last_seen_ms = ? WHERE id = ?"));
    st.Bind(1, lat).Bind(2, lon).Bind(3, at).Bind(4, id);
    TILSYN_RETURN_IF_ERROR(st.Run());
    if (db.Changes() == 0) return Status::NotFound("no vehicle " + id, "id");
    return Status::Ok();
  });
}

namespace {

// Neither seen (an observation's position) nor heard from (a heartbeat) since ?1.
constexpr const char* kSilentSince =
    "COALESCE(last_seen_ms, 0) < ?1 AND COALESCE(heartbeat_ms, 0) < ?1";

// A heartbeat without its GPS fix ("" stays "").
std::string WithoutFix(const std::string& heartbeat) {
  if (heartbeat.empty()) return heartbeat;
  Result<Json> j = ParseJson(heartbeat);
  if (!j.ok() || !j->is_object()) return "";
  j->erase("fix");
  return j->dump();
}

}  // namespace

Result<std::vector<std::string>> SqlStore::VehiclePositionsDue(TimeMs before) {
  std::vector<std::string> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st, db.Prepare(std::string("SELECT id FROM vehicles WHERE ") + kSilentSince +
                                 " AND (last_lat IS NOT NULL OR heartbeat LIKE '%\"fix\":{%' OR "
                                 "prev_heartbeat LIKE '%\"fix\":{%') ORDER BY id"));
    st.Bind(1, before);
    return CollectRows(st, out, [](const Statement& s) { return s.Text(0); });
  }));
  return out;
}

Status SqlStore::EraseVehiclePosition(const std::string& id, TimeMs before) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement get, db.Prepare(std::string("SELECT heartbeat, prev_heartbeat, CASE WHEN ") +
                                  kSilentSince + " THEN 1 ELSE 0 END FROM vehicles WHERE id = ?2"));
    get.Bind(1, before).Bind(2, id);
    TILSYN_ASSIGN_OR_RETURN(bool row, get.Step());
    if (!row) return Status::NotFound("no vehicle " + id, "id");
    if (get.Int(2) == 0) return Status::Ok();  // seen or heard from since: kept
    const std::string heartbeat = WithoutFix(get.Text(0)), prev = WithoutFix(get.Text(1));
    TILSYN_ASSIGN_OR_RETURN(Statement up,
                            db.Prepare("UPDATE vehicles SET last_lat = NULL, last_lon = NULL, "
                                       "heartbeat = ?, prev_heartbeat = ? WHERE id = ?"));
    up.Bind(1, heartbeat).Bind(2, prev).Bind(3, id);
    return up.Run();
  });
}

Status SqlStore::RecordHeartbeat(const std::string& id, const std::string& heartbeat_json,
                                 TimeMs at) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare("UPDATE vehicles SET prev_heartbeat = heartbeat, "
                                       "heartbeat = ?, heartbeat_ms = ? WHERE id = ?"));
    st.Bind(1, heartbeat_json).Bind(2, at).Bind(3, id);
    TILSYN_RETURN_IF_ERROR(st.Run());
    if (db.Changes() == 0) return Status::NotFound("no vehicle " + id, "id");
    return Status::Ok();
  });
}

Result<int64_t> SqlStore::PutAgentSettings(const AgentSettingsRecord& settings) {
  return PutVersioned("agent_settings", settings);
}

Result<std::optional<AgentSettingsRecord>> SqlStore::CurrentAgentSettings() {
  return LatestVersioned("agent_settings");
}

Result<int64_t> SqlStore::PutVersioned(const char* table, const VersionedDocument& doc) {
  int64_t version = 0;
  TILSYN_RETURN_IF_ERROR(Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        int64_t last, db.QueryInt(std::string("SELECT COALESCE(MAX(version), 0) FROM ") + table));
    version = last + 1;
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(std::string("INSERT INTO ") + table +
                                       " (version, json, created_ms, created_by) VALUES (?, ?, "
                                       "?, ?)"));
    st.Bind(1, version).Bind(2, doc.json).Bind(3, doc.created_ms).Bind(4, doc.created_by);
    return st.Run();
  }));
  return version;
}

Result<std::optional<VersionedDocument>> SqlStore::LatestVersioned(const char* table) {
  std::optional<VersionedDocument> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(std::string("SELECT version, json, created_ms, created_by "
                                                   "FROM ") +
                                       table + " ORDER BY version DESC LIMIT 1"));
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) out = VersionedDocument{st.Int(0), st.Text(1), st.Int(2), st.Text(3)};
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::PutToken(const TokenRecord& token) {
  if (token.token_hash.empty()) return Status::InvalidArgument("token hash is empty", "token_hash");
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("INSERT INTO tokens (token_hash, role, subject, created_ms, expires_ms, "
                   "revoked_ms) VALUES (?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT(token_hash) DO UPDATE SET role = excluded.role, "
                   "subject = excluded.subject, created_ms = excluded.created_ms, "
                   "expires_ms = excluded.expires_ms, revoked_ms = excluded.revoked_ms"));
    st.Bind(1, token.token_hash).Bind(2, ToString(token.role)).Bind(3, token.subject);
    st.Bind(4, token.created_ms).Bind(5, token.expires_ms).Bind(6, token.revoked_ms);
    return st.Run();
  });
}

namespace {

constexpr const char* kTokenColumns =
    "token_hash, role, subject, created_ms, expires_ms, revoked_ms";

Result<TokenRecord> ReadToken(Statement& st) {
  auto role = ParseRole(st.Text(1));
  if (!role) return Status::Internal("stored token has an unknown role");
  TokenRecord out;
  out.token_hash = st.Text(0);
  out.role = *role;
  out.subject = st.Text(2);
  out.created_ms = st.Int(3);
  out.expires_ms = st.Int(4);
  out.revoked_ms = st.Int(5);
  return out;
}

}  // namespace

Result<TokenRecord> SqlStore::GetTokenByHash(const std::string& token_hash) {
  TokenRecord out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kTokenColumns +
                                                     " FROM tokens WHERE token_hash = ?"));
    st.Bind(1, token_hash);
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no such token");
    TILSYN_ASSIGN_OR_RETURN(out, ReadToken(st));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<TokenRecord>> SqlStore::ListTokens() {
  std::vector<TokenRecord> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(std::string("SELECT ") + kTokenColumns +
                                       " FROM tokens ORDER BY created_ms DESC, token_hash"));
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      TILSYN_ASSIGN_OR_RETURN(TokenRecord t, ReadToken(st));
      out.push_back(std::move(t));
    }
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::RevokeToken(const std::string& token_hash, TimeMs at) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare("UPDATE tokens SET revoked_ms = ? WHERE token_hash = ? AND "
                                       "revoked_ms = 0"));
    st.Bind(1, at).Bind(2, token_hash);
    TILSYN_RETURN_IF_ERROR(st.Run());
    if (db.Changes() == 0) {
      TILSYN_ASSIGN_OR_RETURN(Statement q, db.Prepare("SELECT 1 FROM tokens WHERE token_hash = ?"));
      q.Bind(1, token_hash);
      TILSYN_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return Status::NotFound("no such token", "id");
    }
    return Status::Ok();
  });
}

Result<int64_t> SqlStore::CountTokens() {
  int64_t out = 0;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(out, db.QueryInt("SELECT COUNT(*) FROM tokens"));
    return Status::Ok();
  }));
  return out;
}

}  // namespace tilsyn::store::sql
