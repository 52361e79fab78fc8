// ApiClient: a small JSON client of Tilsyn's own HTTP API (libcurl), used by the demo and the
// integration tests to act as an inspector or admin would. Non-2xx answers become a Status whose
// message carries the server's error body.
#pragma once

#include <string>

#include "core/json_util.h"
#include "core/result.h"
#include "net/http_client.h"

namespace tilsyn::demo {

class ApiClient {
 public:
  // `trust`: the CA (and pin) of an https server.
  ApiClient(std::string base_url, std::string token, net::TlsTrust trust = {})
      : base_(std::move(base_url)), token_(std::move(token)), trust_(std::move(trust)) {}
  Result<Json> Get(const std::string& path) const;
  Result<Json> Post(const std::string& path, const Json& body) const;
  Result<Json> Put(const std::string& path, const Json& body) const;
  const std::string& base_url() const { return base_; }

 private:
  Result<Json> Call(const std::string& method, const std::string& path,
                    const std::string& body) const;
  std::string base_;
  std::string token_;
  net::TlsTrust trust_;
};

}  // namespace tilsyn::demo
