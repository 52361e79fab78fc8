// HTTP client (libcurl, one easy handle per call; thread-safe after InitHttpClient()).
// Network errors are Unavailable (retryable), timeouts DeadlineExceeded (retryable); any HTTP
// response, 4xx and 5xx included, is returned as a value for the caller to judge.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace tilsyn::net {

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int timeout_ms = 10'000;
  // https: trust this PEM CA bundle instead of the system's ("" = system); and, when set, accept
  // only a server whose public key has this pin ("sha256//<base64>", as curl's
  // --pinnedpubkey). A certificate that fails either check is FailedPrecondition (field "tls"):
  // not an outage, so it is not retried as one.
  std::string ca_file = {};
  std::string pinned_public_key = {};
  // A client certificate and its key (PEM) for servers that ask for one (mTLS); "" = none.
  std::string client_cert_file = {};
  std::string client_key_file = {};
};

// How a client trusts an https server: a CA bundle and an optional public-key pin, copied into
// every request it makes.
struct TlsTrust {
  std::string ca_file;            // PEM; "" = the system's CAs
  std::string pinned_public_key;  // "sha256//<base64>" or ""
  std::string client_cert_file;   // the vehicle's certificate for mTLS, or ""
  std::string client_key_file;
  void ApplyTo(ClientRequest& r) const {
    r.ca_file = ca_file;
    r.pinned_public_key = pinned_public_key;
    r.client_cert_file = client_cert_file;
    r.client_key_file = client_key_file;
  }
};

struct ClientResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lowercase names
};

// Call once at start-up (curl_global_init); idempotent.
void InitHttpClient();
Result<ClientResponse> Fetch(const ClientRequest& req);

}  // namespace tilsyn::net
