#include "server/cli.h"

#include <signal.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "core/clock.h"
#include "core/file_util.h"
#include "core/ids.h"
#include "core/json_util.h"
#include "server/app.h"
#include "server/password.h"
#include "server/sessions.h"
#include "store/privacy_records.h"
#include "store/store.h"

namespace tilsyn::server {
namespace {

Result<int64_t> ParseIntSetting(const std::string& s, const std::string& name) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    return Status::InvalidArgument("must be an integer, got '" + s + "'", name);
  }
  return v;
}

Result<std::unique_ptr<store::Store>> OpenStoreFor(const ServeFlags& flags) {
  TILSYN_ASSIGN_OR_RETURN(ServerConfig config,
                          ResolveServerConfig(flags, [](const char* n) { return std::getenv(n); }));
  TILSYN_RETURN_IF_ERROR(MakeDirs(config.data_dir));
  return store::OpenStore(config.StoreLocation());
}

int Fail(const Status& st) {
  std::cerr << "tilsyn: " << st.ToString() << "\n";
  return st.code() == Code::kInvalidArgument ? 2 : 1;
}

}  // namespace

Result<ServerConfig> ResolveServerConfig(const ServeFlags& flags, const EnvLookup& env) {
  Json layered = ServerConfig().ToJson();
  if (!flags.config_file.empty()) {
    Result<std::string> text = ReadFile(flags.config_file);
    if (!text.ok()) return text.status().Annotate("config file " + flags.config_file);
    Result<Json> file = ParseJson(*text);
    if (!file.ok()) {
      return Status::InvalidArgument("config file " + flags.config_file + " is not valid JSON",
                                     "config");
    }
    if (!file->is_object()) return Status::InvalidArgument("must be a JSON object", "config");
    for (const auto& [k, v] : file->items()) layered[k] = v;
  }
  auto from_env = [&](const char* var) -> std::optional<std::string> {
    const char* v = env ? env(var) : nullptr;
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
  if (auto v = from_env("TILSYN_LISTEN")) layered["listen"] = *v;
  if (auto v = from_env("TILSYN_DATA_DIR")) layered["data_dir"] = *v;
  if (auto v = from_env("TILSYN_DATABASE_URL")) layered["database"] = *v;
  if (auto v = from_env("TILSYN_WEB_DIR")) layered["web_dir"] = *v;
  // Empty is meaningful here (no base map tiles), so read it directly.
  if (const char* v = env ? env("TILSYN_TILE_URL") : nullptr) layered["tile_url"] = std::string(v);
  if (auto v = from_env("TILSYN_PORT")) {
    TILSYN_ASSIGN_OR_RETURN(layered["port"], ParseIntSetting(*v, "TILSYN_PORT"));
  }
  if (auto v = from_env("TILSYN_RUN_PIPELINE"))
    layered["run_pipeline"] = *v != "0" && *v != "false";
  if (auto v = from_env("TILSYN_ROLE")) layered["role"] = *v;
  if (auto v = from_env("TILSYN_WORKER_NAME")) layered["worker_name"] = *v;
  if (auto v = from_env("TILSYN_ANONYMIZE_UPLOADS")) layered["anonymize_uploads"] = *v;
  if (auto v = from_env("TILSYN_ANONYMIZER_PERSON_MODE")) layered["anonymizer_person_mode"] = *v;
  for (const char* var : {"TILSYN_ASSESS_THREADS", "TILSYN_ACTION_THREADS"}) {
    if (auto v = from_env(var)) {
      const std::string key =
          std::string(var) == "TILSYN_ASSESS_THREADS" ? "assess_threads" : "action_threads";
      TILSYN_ASSIGN_OR_RETURN(layered[key], ParseIntSetting(*v, var));
    }
  }
  if (auto v = from_env("TILSYN_MAX_BODY_BYTES")) {
    TILSYN_ASSIGN_OR_RETURN(layered["max_body_bytes"],
                            ParseIntSetting(*v, "TILSYN_MAX_BODY_BYTES"));
  }
  if (auto v = from_env("TILSYN_IMAGE_KEYS")) layered["image_keys"] = *v;
  if (auto v = from_env("TILSYN_IMAGE_KEY")) layered["image_key"] = *v;
  if (auto v = from_env("TILSYN_IMAGE_KEY_ID")) layered["image_key_id"] = *v;
  if (flags.dev_generate_key) layered["dev_generate_key"] = true;
  if (flags.tls_cert) layered["tls_cert"] = *flags.tls_cert;
  if (flags.tls_key) layered["tls_key"] = *flags.tls_key;
  if (flags.tls_client_ca) layered["tls_client_ca"] = *flags.tls_client_ca;
  if (flags.listen) layered["listen"] = *flags.listen;
  if (flags.port) layered["port"] = *flags.port;
  if (flags.data_dir) layered["data_dir"] = *flags.data_dir;
  if (flags.database) layered["database"] = *flags.database;
  if (flags.role) layered["role"] = *flags.role;
  TILSYN_ASSIGN_OR_RETURN(ServerConfig config, ServerConfig::FromJson(layered));
  if (auto v = from_env("TILSYN_CRASH_AFTER_ASSESSMENTS_FOR_TEST")) {
    TILSYN_ASSIGN_OR_RETURN(int64_t n,
                            ParseIntSetting(*v, "TILSYN_CRASH_AFTER_ASSESSMENTS_FOR_TEST"));
    config.crash_after_assessments_for_test = static_cast<int>(n);
  }
  if (auto v = from_env("TILSYN_CRASH_AFTER_ACTION_SUCCESSES_FOR_TEST")) {
    TILSYN_ASSIGN_OR_RETURN(int64_t n,
                            ParseIntSetting(*v, "TILSYN_CRASH_AFTER_ACTION_SUCCESSES_FOR_TEST"));
    config.crash_after_action_successes_for_test = static_cast<int>(n);
  }
  return config;
}

int RunServe(const ServeFlags& flags) {
  Result<ServerConfig> config =
      ResolveServerConfig(flags, [](const char* n) { return std::getenv(n); });
  if (!config.ok()) return Fail(config.status());

  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // only sigwait() below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Result<std::unique_ptr<App>> app = StartApp(*config, SystemClock::Get());
  if (!app.ok()) return Fail(app.status());
  std::cout << "tilsyn serving on " << (*app)->base_url() << std::endl;

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::cerr << "tilsyn: stopping (signal " << sig << ")\n";
  (*app)->Stop();
  return 0;
}

int RunAdminCreateToken(const CreateTokenFlags& flags) {
  Result<std::unique_ptr<store::Store>> st = OpenStoreFor(flags.server);
  if (!st.ok()) return Fail(st.status());
  if (flags.role == "vehicle") {
    Result<store::Vehicle> v = (*st)->GetVehicle(flags.subject);
    if (!v.ok()) return Fail(Status::NotFound("no vehicle " + flags.subject, "subject"));
  }
  Result<std::string> token = IssueToken(st->get(), flags.role, flags.subject, SystemClock::Get(),
                                         flags.expires_days * int64_t{86'400'000});
  if (!token.ok()) return Fail(token.status());
  Json details = {{"role", flags.role}};
  if (flags.expires_days > 0) details["expires_days"] = flags.expires_days;
  Result<store::AuditEvent> audited =
      (*st)->AppendAudit(store::NewAuditEvent(SystemClock::Get()->NowMs(), "cli", "admin",
                                              "token.issue", "token", flags.subject, "", details));
  if (!audited.ok()) return Fail(audited.status());
  std::cout << *token << std::endl;
  return 0;
}

int RunAdminCreateUser(const CreateUserFlags& flags) {
  store::UserRecord u;
  u.name = flags.name;
  if (Status st = CheckAccountName(u.name); !st.ok()) return Fail(st);
  std::optional<store::Role> role = store::ParseRole(flags.role);
  if (!role || *role == store::Role::kVehicle) {
    return Fail(Status::InvalidArgument("role must be admin, inspector or dpo", "role"));
  }
  u.role = *role;
  for (const std::string& unit : flags.units) {
    if (!unit.empty()) u.units.push_back(unit);
  }
  std::string password;
  if (!std::getline(std::cin, password)) {
    return Fail(Status::InvalidArgument("give the password on stdin", "password"));
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  Result<std::string> hash = HashPassword(password);
  if (!hash.ok()) return Fail(hash.status());
  u.password_hash = *hash;
  Result<std::unique_ptr<store::Store>> st = OpenStoreFor(flags.server);
  if (!st.ok()) return Fail(st.status());
  u.created_ms = u.updated_ms = SystemClock::Get()->NowMs();
  store::AuditEvent e =
      store::NewAuditEvent(u.created_ms, "cli", "admin", "user.create", "user", u.name, "",
                           {{"role", flags.role}, {"units", u.units}});
  Status s = (*st)->WithAudit(e, [&](store::Store& s) { return s.CreateUser(u); });
  if (!s.ok()) return Fail(s);
  std::cout << "created " << flags.role << " " << u.name << std::endl;
  return 0;
}

int RunAdminCreateVehicle(const CreateVehicleFlags& flags) {
  if (flags.name.empty()) return Fail(Status::InvalidArgument("must not be empty", "name"));
  if (flags.lane != "roadway" && flags.lane != "bike_lane" && flags.lane != "both") {
    return Fail(Status::InvalidArgument("lane must be roadway, bike_lane or both", "lane"));
  }
  Result<std::unique_ptr<store::Store>> st = OpenStoreFor(flags.server);
  if (!st.ok()) return Fail(st.status());
  store::Vehicle v;
  v.id = NewUuid();
  v.name = flags.name;
  v.kind = flags.kind;
  v.lane = flags.lane;
  v.created_ms = SystemClock::Get()->NowMs();
  Status s = (*st)->CreateVehicle(v);
  if (!s.ok()) return Fail(s);
  std::cout << v.id << std::endl;
  return 0;
}

}  // namespace tilsyn::server
