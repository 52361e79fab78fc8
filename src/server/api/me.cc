// GET /api/v1/me: who the bearer token or session belongs to, so the web UI can show the right
// navigation (and, for a session, its CSRF token).
#include "server/api/api.h"
#include "server/api/api_util.h"

namespace tilsyn::server {

void RegisterMeRoutes(Router& router, const ApiContext&) {
  router.Add(
      {"GET",
       "/api/v1/me",
       {store::Role::kAdmin, store::Role::kInspector, store::Role::kDpo, store::Role::kVehicle},
       "The caller's subject and role",
       "health",
       {},
       "",
       "",
       "Me",
       200},
      [](const ApiRequest& r) -> Result<net::HttpResponse> {
        if (!r.principal) return Status::Unauthenticated("no principal");
        Json j = {{"subject", r.principal->subject},
                  {"role", std::string(store::ToString(r.principal->role))},
                  {"units", r.principal->units}};
        // A web session's UI needs its CSRF token again after a reload.
        if (!r.principal->csrf.empty()) j["csrf_token"] = r.principal->csrf;
        net::HttpResponse resp = Ok(j);
        resp.headers.emplace_back("Cache-Control", "no-store");  // it may carry the CSRF token
        return resp;
      });
}

}  // namespace tilsyn::server
