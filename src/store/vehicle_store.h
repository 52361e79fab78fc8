// VehicleStore: vehicles, the hashed bearer tokens of people and vehicles, people's accounts
// and their web sessions. One of the narrow
// seams of the store (store/store.h): code that needs only this aggregate takes a VehicleStore; the
// SQL store (store/sql/) implements every seam in one class, on SQLite and PostgreSQL. Thread-safe
// as its implementation; every method is one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/records.h"

namespace tilsyn::store {

class VehicleStore {
 public:
  virtual ~VehicleStore() = default;

  virtual Status CreateVehicle(const Vehicle& v) = 0;
  virtual Result<Vehicle> GetVehicle(const std::string& id) = 0;
  virtual Result<std::vector<Vehicle>> ListVehicles() = 0;
  virtual Status UpdateVehiclePosition(const std::string& id, double lat, double lon,
                                       TimeMs at) = 0;
  // Keeps `heartbeat_json` as the vehicle's newest heartbeat, received at `at`, and the one it
  // replaces as the previous. NotFound for an unknown vehicle.
  virtual Status RecordHeartbeat(const std::string& id, const std::string& heartbeat_json,
                                 TimeMs at) = 0;
  // Location retention (docs/privacy.md): ids of the vehicles that hold a last known position
  // or a heartbeat with a GPS fix and were neither seen nor heard from since `before`.
  virtual Result<std::vector<std::string>> VehiclePositionsDue(TimeMs before) = 0;
  // Erases that vehicle's last position and the GPS fix of its kept heartbeats (the rest of
  // them stays) unless it was seen or heard from since `before` (then Ok, unchanged). NotFound
  // for an unknown vehicle.
  virtual Status EraseVehiclePosition(const std::string& id, TimeMs before) = 0;
  // Stores a new version of the fleet's agent settings; returns its version (the last + 1).
  virtual Result<int64_t> PutAgentSettings(const AgentSettingsRecord& settings) = 0;
  // The newest version, or nullopt when none was ever stored.
  virtual Result<std::optional<AgentSettingsRecord>> CurrentAgentSettings() = 0;
  // Inserts or replaces the token with this hash.
  virtual Status PutToken(const TokenRecord& token) = 0;
  virtual Result<TokenRecord> GetTokenByHash(const std::string& token_hash) = 0;
  virtual Result<int64_t> CountTokens() = 0;
  // Every token, newest first (hashes only: the tokens themselves are never stored).
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  // Marks the token revoked at `at`; NotFound when no token has this hash.
  virtual Status RevokeToken(const std::string& token_hash, TimeMs at) = 0;

  // People's accounts. CreateUser: AlreadyExists for a taken name. UpdateUser replaces role,
  // password hash, units, disabled, the lockout fields and updated_ms (NotFound for an unknown
  // name).
  virtual Status CreateUser(const UserRecord& user) = 0;
  virtual Status UpdateUser(const UserRecord& user) = 0;
  virtual Result<UserRecord> GetUser(const std::string& name) = 0;
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;
  // Reserves one login attempt before the password is checked, atomically, so parallel guesses
  // are counted too: counted as a failure until NoteLoginSuccess; at `max_failures` consecutive
  // ones the account is locked until `lock_until` and the count starts again. nullopt (nothing
  // counted) while the account is locked at `now`; NotFound for an unknown name. Returns the
  // account after the update.
  virtual Result<std::optional<UserRecord>> NoteLoginAttempt(const std::string& name, TimeMs now,
                                                             int64_t max_failures,
                                                             TimeMs lock_until) = 0;
  // The attempt succeeded: the count and any lock its reservation set are cleared.
  virtual Status NoteLoginSuccess(const std::string& name) = 0;

  virtual Status PutSession(const SessionRecord& session) = 0;
  virtual Result<SessionRecord> GetSession(const std::string& id_hash) = 0;  // NotFound
  virtual Status DeleteSession(const std::string& id_hash) = 0;              // absent is fine
  // Ends every session of `user` (password change, disabling) and those expired before `now`.
  virtual Status DeleteSessions(const std::string& user) = 0;
  virtual Status DeleteExpiredSessions(TimeMs now) = 0;
};

}  // namespace tilsyn::store
