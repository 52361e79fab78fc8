#include "demo/api_client.h"

#include "net/http_client.h"

namespace tilsyn::demo {

Result<Json> ApiClient::Get(const std::string& path) const { return Call("GET", path, ""); }
Result<Json> ApiClient::Post(const std::string& path, const Json& body) const {
  return Call("POST", path, body.dump());
}
Result<Json> ApiClient::Put(const std::string& path, const Json& body) const {
  return Call("PUT", path, body.dump());
}

Result<Json> ApiClient::Call(const std::string& method, const std::string& path,
                             const std::string& body) const {
  net::ClientRequest req;
  req.method = method;
  req.url = base_ + path;
  req.body = body;
  req.headers = {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}};
  trust_.ApplyTo(req);
  TILSYN_ASSIGN_OR_RETURN(net::ClientResponse resp, net::Fetch(req));
  if (resp.status < 200 || resp.status >= 300) {
    return Status::FailedPrecondition(method + " " + path + " -> " + std::to_string(resp.status) +
                                      ": " + resp.body);
  }
  if (resp.body.empty()) return Json::object();
  return ParseJson(resp.body);
}

}  // namespace tilsyn::demo
