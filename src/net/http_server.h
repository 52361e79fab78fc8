// HttpServer: an HTTP/1.1 server on Boost.Beast/Asio. An acceptor thread hands each connection
// to its own thread (so idle keep-alive clients never starve others), up to a cap. Each request
// is read whole (bodies over `max_body_bytes` get 413 with a JSON error before the handler runs),
// passed to the handler, and answered; keep-alive and `Expect: 100-continue` are supported;
// reads and writes time out after 30 s. Handler exceptions become 500 JSON errors. Start()
// binds before returning, so port() is valid at once (port 0 = any free port). Stop() closes the
// listener, finishes in-flight requests, drops idle connections and joins the threads.
// The handler is called from several threads at once and must be thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "net/http.h"

namespace tilsyn::net {

struct HttpServerOptions {
  std::string address = "127.0.0.1";  // listen address
  uint16_t port = 0;                  // 0 = pick a free port
  size_t max_body_bytes = 16u << 20;  // larger bodies are refused with 413
  int threads = 2;                    // sizing hint: at most max(64, 32*threads) connections
  // A request's head must arrive within this; a connection idle between requests closes then.
  int header_timeout_ms = 10'000;
  // TLS (HTTPS) with this PEM certificate chain and private key; both empty = plain HTTP.
  // TLS 1.2 or newer only; the handshake must finish within header_timeout_ms.
  std::string tls_cert_file, tls_key_file;
  // Client certificates (mTLS): every TLS client is asked for one; one signed by this PEM CA is
  // verified and its common name given to the handler (HttpRequest::client_cert_subject); one
  // that fails verification ends the handshake. Clients without a certificate still connect
  // (browsers), so the handler decides who must present one. "" = none asked for.
  std::string tls_client_ca_file;
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  virtual uint16_t port() const = 0;
  virtual void Stop() = 0;
};

// Unavailable when the address cannot be bound; InvalidArgument (field "tls_cert"/"tls_key")
// when the certificate or key cannot be loaded or do not match.
Result<std::unique_ptr<HttpServer>> StartHttpServer(const HttpServerOptions& options,
                                                    Handler handler);

}  // namespace tilsyn::net
