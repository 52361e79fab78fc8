#include "agent/job_source.h"

#include "net/http_client.h"

namespace tilsyn::agent {
namespace {

class HttpJobSource : public JobSource {
 public:
  HttpJobSource(std::string server, std::string token, net::TlsTrust trust, int timeout_ms)
      : server_(std::move(server)),
        token_(std::move(token)),
        trust_(std::move(trust)),
        timeout_ms_(timeout_ms) {}

  Result<Json> Fetch(int64_t since, int64_t config_version) override {
    net::ClientRequest req;
    req.method = "GET";
    req.url = JoinUrl(server_, "/api/v1/jobs?since=" + std::to_string(since) +
                                   "&config_version=" + std::to_string(config_version));
    req.headers.push_back({"Authorization", "Bearer " + token_});
    req.headers.push_back({"Accept", "application/json"});
    req.timeout_ms = timeout_ms_;
    trust_.ApplyTo(req);
    TILSYN_ASSIGN_OR_RETURN(net::ClientResponse resp, net::Fetch(req));
    if (resp.status == 401 || resp.status == 403) {
      return Status::Unauthenticated("job sync refused: HTTP " + std::to_string(resp.status));
    }
    if (resp.status != 200) {
      return Status::Unavailable("job sync failed: HTTP " + std::to_string(resp.status));
    }
    return ParseJson(resp.body);
  }

 private:
  std::string server_, token_;
  net::TlsTrust trust_;
  int timeout_ms_;
};

}  // namespace

std::string JoinUrl(const std::string& base, const std::string& path) {
  std::string b = base;
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b + path;
}

std::unique_ptr<JobSource> NewHttpJobSource(std::string server_url, std::string token,
                                            net::TlsTrust trust, int timeout_ms) {
  return std::make_unique<HttpJobSource>(std::move(server_url), std::move(token), std::move(trust),
                                         timeout_ms);
}

}  // namespace tilsyn::agent
