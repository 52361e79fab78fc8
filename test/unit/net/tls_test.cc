// HTTPS: the server with a certificate and key, a client that trusts the right CA (and, when
// pinned, the right key) gets its answer; one that trusts other CAs, pins another key or speaks
// plain HTTP to the TLS port gets nothing. The certificates are made per test
// (test/fakes/test_certs.h).
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/file_util.h"
#include "core/json_util.h"
#include "fakes/test_certs.h"
#include "fakes/test_paths.h"
#include "net/http_client.h"
#include "net/http_server.h"

namespace tilsyn::net {
namespace {

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!::tilsyn::testing::MakeTestCerts(dir_.path(), &certs_)) GTEST_SKIP() << "no openssl tool";
    const std::string d = dir_.path();
    HttpServerOptions o;
    o.tls_cert_file = d + "/server.pem";
    o.tls_key_file = d + "/server.key";
    o.header_timeout_ms = 3000;
    auto s = StartHttpServer(o, [](const HttpRequest&) {
      return HttpResponse::JsonBody(200, {{"ok", true}});
    });
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  ClientRequest Req(const std::string& scheme = "https") {
    ClientRequest r;
    r.url = scheme + "://127.0.0.1:" + std::to_string(server_->port()) + "/x";
    r.timeout_ms = 5000;
    return r;
  }

  ::tilsyn::testing::TempDir dir_;
  ::tilsyn::testing::TestCerts certs_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(Tls, AClientThatTrustsTheCaGetsTheAnswerAndAPinnedKeyMustMatch) {
  ClientRequest r = Req();
  r.ca_file = dir_.Sub("ca.pem");
  auto ok = Fetch(r);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->status, 200);
  r.pinned_public_key = "sha256//" + certs_.pin;
  EXPECT_TRUE(Fetch(r).ok()) << "the right pin";
  r.pinned_public_key = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  auto pinned = Fetch(r);
  ASSERT_FALSE(pinned.ok());
  EXPECT_EQ(pinned.status().field(), "tls") << pinned.status().ToString();
}

TEST_F(Tls, AnUntrustedCertificateOrPlainHttpGetsNothing) {
  ClientRequest r = Req();
  r.ca_file = dir_.Sub("other.pem");
  auto wrong_ca = Fetch(r);
  ASSERT_FALSE(wrong_ca.ok());
  EXPECT_EQ(wrong_ca.status().code(), Code::kFailedPrecondition) << wrong_ca.status().ToString();
  EXPECT_FALSE(Fetch(Req("http")).ok()) << "plain HTTP to the TLS port";
  // The server still serves the next proper client.
  ClientRequest good = Req();
  good.ca_file = dir_.Sub("ca.pem");
  EXPECT_TRUE(Fetch(good).ok());
}

TEST(TlsOptions, AMissingOrMismatchedKeyIsRefusedNamingIt) {
  HttpServerOptions o;
  o.tls_cert_file = "/nonexistent/cert.pem";
  o.tls_key_file = "/nonexistent/key.pem";
  auto s = StartHttpServer(o, [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().field(), "tls_cert");
  o.tls_key_file.clear();
  o.tls_cert_file = "x";
  EXPECT_EQ(StartHttpServer(o, [](const HttpRequest&) { return HttpResponse{}; }).status().field(),
            "tls_key");
}

// mTLS: a server that asks for client certificates tells the handler whose certificate it
// verified; clients without one still connect (people's browsers); a certificate from another CA
// ends the handshake.
TEST(MutualTls, TheHandlerSeesTheVerifiedClientAndAForeignCertificateGetsNothing) {
  ::tilsyn::testing::TempDir dir;
  ::tilsyn::testing::TestCerts certs;
  if (!::tilsyn::testing::MakeTestCerts(dir.path(), &certs)) GTEST_SKIP() << "no openssl tool";
  ASSERT_TRUE(::tilsyn::testing::MakeTestClientCert(dir.path(), "veh", "vehicle-1"));
  ASSERT_TRUE(::tilsyn::testing::MakeTestClientCert(dir.path(), "forged", "vehicle-1", true));
  HttpServerOptions o;
  o.tls_cert_file = certs.server_cert;
  o.tls_key_file = certs.server_key;
  o.tls_client_ca_file = certs.ca;
  o.header_timeout_ms = 3000;
  auto server = StartHttpServer(o, [](const HttpRequest& r) {
    return HttpResponse::JsonBody(200, {{"client", r.client_cert_subject}});
  });
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto call = [&](const std::string& name) {
    ClientRequest r;
    r.url = "https://127.0.0.1:" + std::to_string((*server)->port()) + "/x";
    r.timeout_ms = 5000;
    r.ca_file = certs.ca;
    if (!name.empty()) {
      r.client_cert_file = dir.Sub(name + ".pem");
      r.client_key_file = dir.Sub(name + ".key");
    }
    return Fetch(r);
  };
  auto with = call("veh");
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  EXPECT_EQ(ParseJson(with->body).value()["client"], "vehicle-1");
  auto without = call("");
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  EXPECT_EQ(ParseJson(without->body).value()["client"], "");
  EXPECT_FALSE(call("forged").ok()) << "a certificate from another CA must end the handshake";
  (*server)->Stop();

  o.tls_client_ca_file = dir.Sub("missing.pem");
  EXPECT_EQ(StartHttpServer(o, [](const HttpRequest&) { return HttpResponse{}; }).status().field(),
            "tls_client_ca");
}

}  // namespace
}  // namespace tilsyn::net
