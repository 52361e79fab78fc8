// The agent over HTTPS: job sync trusts the server only with the configured CA (and pin); a
// server with a certificate from another CA is refused as a TLS problem, not an outage.
#include <gtest/gtest.h>

#include "agent/agent_config.h"
#include "agent/job_source.h"
#include "fakes/test_certs.h"
#include "fakes/test_paths.h"
#include "net/http_server.h"

namespace tilsyn::agent {
namespace {

TEST(AgentTls, JobSyncTrustsTheConfiguredCaAndPin) {
  ::tilsyn::testing::TempDir dir;
  ::tilsyn::testing::TestCerts certs;
  if (!::tilsyn::testing::MakeTestCerts(dir.path(), &certs)) GTEST_SKIP() << "no openssl tool";
  net::HttpServerOptions o;
  o.tls_cert_file = certs.server_cert;
  o.tls_key_file = certs.server_key;
  std::string seen_auth;
  auto server = net::StartHttpServer(o, [&](const net::HttpRequest& req) {
    seen_auth = req.Header("authorization");
    return net::HttpResponse::JsonBody(200, {{"version", 0}, {"jobs", Json::array()}});
  });
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const std::string url = "https://127.0.0.1:" + std::to_string((*server)->port());

  AgentConfig cfg;
  cfg.ca_file = certs.ca;
  cfg.pin_sha256 = certs.pin;
  auto ok = NewHttpJobSource(url, "vehicle-token", cfg.Trust())->Fetch(0, 0);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(seen_auth, "Bearer vehicle-token");

  cfg.ca_file = certs.other_ca;
  auto refused = NewHttpJobSource(url, "vehicle-token", cfg.Trust())->Fetch(0, 0);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "tls") << refused.status().ToString();
  (*server)->Stop();
}

TEST(AgentTls, ThePinIsOptionalAndWrittenAsCurlExpectsIt) {
  AgentConfig cfg;
  EXPECT_EQ(cfg.Trust().pinned_public_key, "");
  cfg.pin_sha256 = "abc=";
  EXPECT_EQ(cfg.Trust().pinned_public_key, "sha256//abc=");
  Json j = {{"ca_file", "/etc/tilsyn/ca.pem"}, {"pin_sha256", "abc="}};
  AgentConfig from_file;
  ASSERT_TRUE(ApplyConfigJson(j, &from_file).ok());
  EXPECT_EQ(from_file.ca_file, "/etc/tilsyn/ca.pem");
}

}  // namespace
}  // namespace tilsyn::agent
