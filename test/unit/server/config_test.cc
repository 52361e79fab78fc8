#include "server/config.h"

#include <gtest/gtest.h>

#include <map>

#include "core/file_util.h"
#include "fakes/test_paths.h"
#include "server/cli.h"
#include "server/smtp_config.h"

namespace tilsyn::server {
namespace {

TEST(ServerConfig, DefaultsAreValidAndRoundTrip) {
  ServerConfig c;
  EXPECT_TRUE(c.Validate().ok());
  EXPECT_EQ(c.listen, "127.0.0.1");
  auto back = ServerConfig::FromJson(c.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToJson(), c.ToJson());
}

TEST(ServerConfig, FromJsonNamesTheBadField) {
  auto field = [](const Json& j) {
    auto c = ServerConfig::FromJson(j);
    EXPECT_FALSE(c.ok()) << j.dump();
    return c.ok() ? std::string() : c.status().field();
  };
  EXPECT_EQ(field(Json{{"port", 70000}}), "port");
  EXPECT_EQ(field(Json{{"port", "80"}}), "port");
  EXPECT_EQ(field(Json{{"listen", ""}}), "listen");
  EXPECT_EQ(field(Json{{"max_body_bytes", 10}}), "max_body_bytes");
  EXPECT_EQ(field(Json{{"min_free_bytes", -1}}), "min_free_bytes");
  EXPECT_EQ(field(Json{{"http_threads", 0}}), "http_threads");
  EXPECT_EQ(field(Json{{"data_dir", ""}}), "data_dir");
  EXPECT_EQ(field(Json{{"database", "/var/lib/tilsyn.db"}}), "database");
  EXPECT_EQ(field(Json{{"database", "mysql://db/tilsyn"}}), "database");
  EXPECT_EQ(field(Json{{"role", "both"}}), "role");
  EXPECT_EQ(field(Json{{"anonymize_uploads", "later"}}), "anonymize_uploads");
  EXPECT_EQ(field(Json{{"anonymizer_person_mode", "face"}}), "anonymizer_person_mode");
  EXPECT_EQ(field(Json{{"assess_threads", 0}}), "assess_threads");
  EXPECT_EQ(field(Json{{"action_threads", 65}}), "action_threads");
  EXPECT_EQ(field(Json{{"no_such_setting", 1}}), "no_such_setting");
  EXPECT_EQ(field(Json{{"action_max_attempts", -1}}), "action_max_attempts");
  EXPECT_EQ(field(Json{{"smtp", {{"url", "http://x"}, {"from", "a@b.dk"}}}}), "smtp.url");
  EXPECT_EQ(field(Json{{"smtp", {{"url", "smtp://x:25"}}}}), "smtp.from");
  EXPECT_EQ(field(Json{{"smtp", {{"url", "smtp://x:25"}, {"from", "a@b.dk"}, {"tls", "maybe"}}}}),
            "smtp.tls");
  EXPECT_EQ(field(Json{{"smtp", {{"url", "smtp://x:25"}, {"from", "a@b.dk"}, {"pasword", "x"}}}}),
            "smtp.pasword");
  EXPECT_EQ(field(Json{{"web_url", "tilsyn.kk.dk"}}), "web_url");
  EXPECT_EQ(field(Json{{"rate_limit_per_minute", -1}}), "rate_limit_per_minute");
  EXPECT_EQ(field(Json{{"rate_limit_burst", 0}}), "rate_limit_burst");
  EXPECT_EQ(field(Json{{"max_concurrent_uploads", 0}}), "max_concurrent_uploads");
  EXPECT_EQ(field(Json{{"tls_cert", 5}}), "tls_cert");
  EXPECT_EQ(field(Json{{"coverage_schedule", "2:30"}}), "coverage_schedule");
  EXPECT_EQ(field(Json{{"coverage_schedule", "25:00"}}), "coverage_schedule");
  EXPECT_EQ(field(Json{{"coverage_time_zone", "Europe/Kbh"}}), "coverage_time_zone");
  EXPECT_EQ(field(Json{{"case_follow_up_s", 0}}), "case_follow_up_s");
  EXPECT_EQ(field(Json{{"visit_check_s", 0}}), "visit_check_s");
  EXPECT_EQ(field(Json{{"location_retention_days", -1}}), "location_retention_days");
  EXPECT_EQ(field(Json{{"gps_history_days", 40'000}}), "gps_history_days");
  EXPECT_EQ(field(Json{{"gps_history_days", "180"}}), "gps_history_days");
  EXPECT_EQ(field(Json{{"pilot_depot", "Islands Brygge"}}), "pilot_depot");
}

TEST(ServerConfig, FromJsonReadsEverySetting) {
  Json j = {{"listen", "0.0.0.0"},
            {"port", 9000},
            {"data_dir", "/tmp/x"},
            {"max_body_bytes", 2048},
            {"database", "postgresql://tilsyn@db.kk.dk/tilsyn"},
            {"role", "worker"},
            {"worker_name", "worker-7"},
            {"min_free_bytes", 1 << 20},
            {"http_threads", 3},
            {"pipeline_poll_ms", 50},
            {"cascade_dir", "/c"},
            {"webhook_timeout_ms", 100},
            {"action_max_attempts", 2},
            {"action_base_backoff_ms", 10},
            {"run_pipeline", false},
            {"rate_limit_per_minute", 600},
            {"rate_limit_burst", 50},
            {"max_concurrent_uploads", 4}};
  j["image_keys"] = "k1:" + std::string(64, 'a');
  j["image_key"] = "";
  j["image_key_id"] = "k1";
  j["dev_generate_key"] = true;
  j["web_dir"] = "/srv/tilsyn/web";
  j["tile_url"] = "";
  j["coverage_top_k"] = 3;
  j["coverage_schedule"] = "02:30";
  j["coverage_time_zone"] = "UTC";
  j["case_follow_up_s"] = 60;
  j["visit_check_s"] = 30;
  j["anonymizer_detectors"] = {"default-pack", "hog-person"};
  j["smtp"] = {{"url", "smtps://mail.kk.dk:465"}, {"from", "tilsyn@kk.dk"}, {"username", "tilsyn"}};
  j["web_url"] = "https://tilsyn.kk.dk";
  j["anonymize_uploads"] = "request";
  j["anonymizer_person_mode"] = "full";
  j["assess_threads"] = 3;
  j["action_threads"] = 4;
  j["location_retention_days"] = 30;
  j["gps_history_days"] = 0;
  j["pilot_depot"] = "55.6644,12.5783";
  auto c = ServerConfig::FromJson(j);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->ToJson(), j);
}

TEST(ResolveServerConfig, PrecedenceIsDefaultsFileEnvFlags) {
  tilsyn::testing::TempDir dir;
  std::string file = dir.Sub("tilsyn.json");
  ASSERT_TRUE(WriteFileAtomic(file, R"({"listen": "10.0.0.1", "port": 1111,
                                        "data_dir": "/from/file", "max_body_bytes": 4096,
                                        "http_threads": 4})")
                  .ok());
  std::map<std::string, std::string> env = {
      {"TILSYN_PORT", "2222"}, {"TILSYN_DATA_DIR", "/from/env"}, {"TILSYN_MAX_BODY_BYTES", "8192"}};
  EnvLookup lookup = [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  ServeFlags flags;
  flags.config_file = file;
  flags.data_dir = "/from/flag";
  auto c = ResolveServerConfig(flags, lookup);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen, "10.0.0.1");                                 // file
  EXPECT_EQ(c->port, 2222);                                         // env over file
  EXPECT_EQ(c->data_dir, "/from/flag");                             // flag over env
  EXPECT_EQ(c->max_body_bytes, 8192u);                              // env
  EXPECT_EQ(c->http_threads, 4);                                    // file
  EXPECT_EQ(c->pipeline_poll_ms, ServerConfig().pipeline_poll_ms);  // default

  flags.port = 3333;
  EXPECT_EQ(ResolveServerConfig(flags, lookup)->port, 3333);

  // The store: SQLite in the data folder unless a PostgreSQL URL is given (env, then flag).
  EXPECT_EQ(c->StoreLocation(), "/from/flag/tilsyn.db");
  EXPECT_EQ(c->ImageLocation(), "/from/flag/images");
  env["TILSYN_DATABASE_URL"] = "postgresql://tilsyn@db-env/tilsyn";
  EXPECT_EQ(ResolveServerConfig(flags, lookup)->StoreLocation(),
            "postgresql://tilsyn@db-env/tilsyn");
  flags.database = "postgres://tilsyn@db-flag/tilsyn";
  EXPECT_EQ(ResolveServerConfig(flags, lookup)->StoreLocation(),
            "postgres://tilsyn@db-flag/tilsyn");
  EXPECT_EQ(ResolveServerConfig(flags, lookup)->ImageLocation(),
            "postgres://tilsyn@db-flag/tilsyn");

  // The role and the worker's name: env, then the flag.
  env["TILSYN_ROLE"] = "api";
  env["TILSYN_WORKER_NAME"] = "worker-7";
  EXPECT_EQ(ResolveServerConfig(flags, lookup)->role, "api");
  EXPECT_EQ(ResolveServerConfig(flags, lookup)->worker_name, "worker-7");
  flags.role = "worker";
  EXPECT_EQ(ResolveServerConfig(flags, lookup)->role, "worker");
  flags.role = "everything";
  EXPECT_EQ(ResolveServerConfig(flags, lookup).status().field(), "role");
}

TEST(ResolveServerConfig, BadEnvOrFileIsAnError) {
  ServeFlags flags;
  auto c = ResolveServerConfig(flags, [](const char* n) -> const char* {
    return std::string(n) == "TILSYN_PORT" ? "eighty" : nullptr;
  });
  EXPECT_EQ(c.status().field(), "TILSYN_PORT");
  flags.config_file = "/nonexistent/tilsyn.json";
  EXPECT_FALSE(ResolveServerConfig(flags, nullptr).ok());
  tilsyn::testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("bad.json"), "{port: 1}").ok());
  flags.config_file = dir.Sub("bad.json");
  EXPECT_EQ(ResolveServerConfig(flags, nullptr).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tilsyn::server

namespace tilsyn::server {
namespace {

TEST(ServerConfig, AnonymizerDetectorsMustBeNames) {
  auto c = ServerConfig::FromJson({{"anonymizer_detectors", {"hog-person", 3}}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().field(), "anonymizer_detectors[1]");
  EXPECT_EQ(ServerConfig::FromJson({{"anonymizer_detectors", "hog-person"}}).status().field(),
            "anonymizer_detectors");
}

}  // namespace
}  // namespace tilsyn::server

namespace tilsyn::server {
namespace {

TEST(SmtpConfig, ThePasswordComesFromTheEnvironmentBeforeTheFile) {
  const Json j = {{"url", "smtp://127.0.0.1:2525"},
                  {"from", "tilsyn@kk.dk"},
                  {"username", "u"},
                  {"password", "from-file"}};
  auto plain = ParseSmtpConfig(j, nullptr);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->password, "from-file");
  EXPECT_EQ(plain->tls, "starttls") << "TLS is required unless switched off";
  auto env = ParseSmtpConfig(j, [](const char* n) -> const char* {
    return std::string(n) == "TILSYN_SMTP_PASSWORD" ? "from-env" : nullptr;
  });
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->password, "from-env");
}

}  // namespace
}  // namespace tilsyn::server
