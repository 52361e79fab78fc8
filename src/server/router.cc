#include "server/router.h"

#include <chrono>

#include "core/log.h"
#include "core/split.h"

namespace tilsyn::server {
namespace {

std::vector<std::string> SplitPath(const std::string& path) { return Split(path, '/', true); }

bool IsParam(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

net::HttpResponse MethodNotAllowed(const std::string& method, const std::string& allow) {
  net::HttpResponse r = net::HttpResponse::JsonBody(
      405, Json{{"error",
                 {{"code", "method_not_allowed"},
                  {"message", method + " is not allowed here; allowed: " + allow}}}});
  r.headers.emplace_back("Allow", allow);
  return r;
}

}  // namespace

const std::string& ApiRequest::Param(const std::string& name) const {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

Status Authorize(const Principal& p, const std::vector<store::Role>& roles) {
  for (store::Role r : roles) {
    if (r == p.role) return Status::Ok();
  }
  return Status::PermissionDenied("role " + std::string(store::ToString(p.role)) +
                                  " may not do this");
}

Router::Router(Authenticator authenticator) : authenticator_(std::move(authenticator)) {}

void Router::Add(RouteSpec spec, RouteHandler handler) {
  Route r;
  r.segments = SplitPath(spec.pattern);
  r.spec = std::move(spec);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

std::vector<RouteSpec> Router::Specs() const {
  std::vector<RouteSpec> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.push_back(r.spec);
  return out;
}

bool Router::Match(const Route& r, const std::vector<std::string>& segments,
                   std::map<std::string, std::string>* params) {
  if (r.segments.size() != segments.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& pat = r.segments[i];
    if (IsParam(pat)) {
      found[pat.substr(1, pat.size() - 2)] = segments[i];
    } else if (pat != segments[i]) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

net::HttpResponse Router::Handle(const net::HttpRequest& req) const {
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> segments = SplitPath(req.path);
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
  std::string allow;
  bool path_known = false;
  for (const Route& r : routes_) {
    std::map<std::string, std::string> p;
    if (!Match(r, segments, &p)) continue;
    path_known = true;
    if (r.spec.method == req.method) {
      route = &r;
      params = std::move(p);
      break;
    }
    if (allow.find(r.spec.method) == std::string::npos) {
      allow += allow.empty() ? r.spec.method : ", " + r.spec.method;
    }
  }

  net::HttpResponse resp;
  Status error;
  if (!route) {
    resp = path_known ? MethodNotAllowed(req.method, allow)
                      : net::HttpResponse::Error(Status::NotFound("no such path: " + req.path));
  } else {
    ApiRequest api{req, std::move(params), std::nullopt};
    Status st;
    if (!route->spec.roles.empty()) {
      Result<Principal> who = authenticator_
                                  ? authenticator_(req)
                                  : Result<Principal>(Status::Unauthenticated("no authenticator"));
      if (!who.ok()) {
        st = who.status();
      } else {
        st = Authorize(*who, route->spec.roles);
        api.principal = std::move(who).value();
      }
    }
    if (!st.ok()) {
      resp = net::HttpResponse::Error(st);
      if (st.code() == Code::kUnauthenticated) {
        resp.headers.emplace_back("WWW-Authenticate", "Bearer");
      }
    } else if (std::optional<net::HttpResponse> refused =
                   admission_ && api.principal ? admission_(*api.principal, route->spec)
                                               : std::nullopt) {
      resp = std::move(*refused);
    } else {
      Result<net::HttpResponse> r = route->handler(api);
      if (r.ok()) {
        resp = std::move(r).value();
      } else {
        st = r.status();
        resp = net::HttpResponse::Error(st);
      }
    }
    error = st;
  }
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (observer_)
    observer_(req.method, route ? route->spec.pattern : "unmatched", resp.status, ms / 1000);
  Json fields = {{"method", req.method}, {"path", req.path}, {"status", resp.status}, {"ms", ms}};
  if (resp.status >= 500) {
    fields["error"] = error.ToString();
    LogError("http.request", fields);
  } else {
    LogDebug("http.request", fields);
  }
  return resp;
}

}  // namespace tilsyn::server
