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
