// Router: method + path pattern ("/api/v1/tasks/{id}") → handler, with the route table kept as
// data (RouteSpec) so the OpenAPI document is generated from it. Dispatch order: unknown path →
// 404 JSON; known path, wrong method → 405 JSON with an Allow header; route with roles →
// authenticate (401) and authorise (403); then the handler, whose error Status becomes the JSON
// error body (net::HttpResponse::Error). Routes are added at start-up; Handle() is thread-safe
// afterwards (the table is read-only).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "net/http.h"
#include "store/records.h"

namespace tilsyn::server {

// Who made the request (from the bearer token).
struct Principal {
  store::Role role = store::Role::kInspector;
  std::string subject;  // user name, or the vehicle id for vehicle tokens
  // The units an inspector's account works for: with any, only their tasks (and tasks of no
  // unit) are visible. Empty for tokens and accounts without units: every task.
  std::vector<std::string> units;
  std::string csrf;  // the session's CSRF token when authenticated by a web session cookie
};

struct ApiRequest {
  const net::HttpRequest& http;
  std::map<std::string, std::string> params;  // path parameters by name
  std::optional<Principal> principal;         // set when the route requires a role
  // A path parameter, or "" when absent.
  const std::string& Param(const std::string& name) const;
};

using RouteHandler = std::function<Result<net::HttpResponse>(const ApiRequest&)>;

// One documented route. Schema names refer to OpenAPI components (openapi.cc).
struct RouteSpec {
  std::string method;              // "GET", "POST", "PUT"
  std::string pattern;             // "/api/v1/tasks/{id}"
  std::vector<store::Role> roles;  // empty = public
  std::string summary;
  std::string tag;
  std::vector<std::string> query = {};  // documented query parameters
  std::string request_schema = {};      // "" = no body
  std::string request_content_type = "application/json";
  std::string response_schema = {};
  int success_status = 200;
};

class Router {
 public:
  // Resolves the bearer token of a request; Unauthenticated when missing or unknown.
  using Authenticator = std::function<Result<Principal>(const net::HttpRequest&)>;
  explicit Router(Authenticator authenticator);

  // Adds a route. Patterns are '/'-separated; a segment "{name}" matches one non-empty segment.
  void Add(RouteSpec spec, RouteHandler handler);
  net::HttpResponse Handle(const net::HttpRequest& req) const;
  std::vector<RouteSpec> Specs() const;
  // Called after every request with its method, the matched pattern ("unmatched" when none),
  // the status and the seconds taken (metrics). Set before serving; not thread-safe to change.
  using Observer = std::function<void(const std::string& method, const std::string& route,
                                      int status, double seconds)>;
  void SetObserver(Observer observer) { observer_ = std::move(observer); }
  // Asked for every authenticated, authorised request before its handler: a response to answer
  // instead (a limit reached: 429), or nullopt to go on. Set before serving.
  using Admission =
      std::function<std::optional<net::HttpResponse>(const Principal&, const RouteSpec&)>;
  void SetAdmission(Admission admission) { admission_ = std::move(admission); }

 private:
  struct Route {
    RouteSpec spec;
    std::vector<std::string> segments;
    RouteHandler handler;
  };
  static bool Match(const Route& r, const std::vector<std::string>& segments,
                    std::map<std::string, std::string>* params);

  Authenticator authenticator_;
  std::vector<Route> routes_;
  Observer observer_;
  Admission admission_;
};

// PermissionDenied unless `p.role` is one of `roles`.
Status Authorize(const Principal& p, const std::vector<store::Role>& roles);

}  // namespace tilsyn::server
