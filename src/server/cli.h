// Subcommands of the `tilsyn` binary that belong to the server: `serve` and `admin …`.
// apps/tilsyn/main.cc only parses flags (CLI11) and calls these. Configuration precedence:
// built-in defaults < JSON file (--config) < TILSYN_* environment < flags.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/result.h"
#include "server/config.h"

namespace tilsyn::server {

// Flags shared by the server subcommands; unset ones fall through to env, file and defaults.
struct ServeFlags {
  std::string config_file;              // --config (JSON); "" = none
  std::optional<std::string> listen;    // --listen
  std::optional<int> port;              // --port
  std::optional<std::string> data_dir;  // --data-dir
  std::optional<std::string> database;  // --database (postgresql://…; default SQLite in data_dir)
  std::optional<std::string> role;      // --role all|api|worker (serve)
  bool dev_generate_key = false;        // --dev-generate-key (serve)
  std::optional<std::string> tls_cert, tls_key;  // --tls-cert, --tls-key (serve)
  std::optional<std::string> tls_client_ca;      // --tls-client-ca (serve)
};

using EnvLookup = std::function<const char*(const char*)>;

// Layers defaults, the file, the environment (TILSYN_LISTEN, TILSYN_PORT, TILSYN_DATA_DIR,
// TILSYN_MAX_BODY_BYTES) and the flags, then validates. InvalidArgument naming the setting.
Result<ServerConfig> ResolveServerConfig(const ServeFlags& flags, const EnvLookup& env);

// `tilsyn serve`: starts the app, prints its URL, runs until SIGINT/SIGTERM, stops cleanly.
// Returns the process exit code.
int RunServe(const ServeFlags& flags);

struct CreateTokenFlags {
  ServeFlags server;     // for --config / --data-dir
  std::string role;      // admin | inspector | dpo | vehicle
  std::string subject;   // user name or vehicle id
  int expires_days = 0;  // 0 = never
};
// `tilsyn admin create-token`: opens the store directly, prints the token once.
int RunAdminCreateToken(const CreateTokenFlags& flags);

struct CreateUserFlags {
  ServeFlags server;
  std::string name;
  std::string role;  // admin | inspector | dpo
  std::vector<std::string> units;
};
// `tilsyn admin create-user`: reads the password from the first line of stdin (never the
// command line, where `ps` shows it), stores the account with its argon2id hash; audited.
int RunAdminCreateUser(const CreateUserFlags& flags);

struct CreateVehicleFlags {
  ServeFlags server;
  std::string name;
  std::string kind = "sweeper";
  std::string lane = "roadway";
};
// `tilsyn admin create-vehicle`: registers a vehicle and prints its id.
int RunAdminCreateVehicle(const CreateVehicleFlags& flags);

}  // namespace tilsyn::server
