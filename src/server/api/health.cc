// /healthz and /api/v1/openapi.json (public), and the assembly of the whole API router.
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/auth.h"
#include "server/openapi.h"

namespace tilsyn::server {

void RegisterHealthRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET", "/healthz", {}, "Liveness", "health", {}, "", "", "Health", 200},
             [](const ApiRequest&) -> Result<net::HttpResponse> {
               return Ok(Json{{"status", "ok"}});
             });
  // Readiness for a load balancer: this instance can serve (its database answers, at the
  // schema this binary writes); 503 naming the reason otherwise.
  store::Store* store = ctx.store;
  router.Add({"GET", "/readyz", {}, "Readiness", "health", {}, "", "", "Health", 200},
             [store](const ApiRequest&) -> Result<net::HttpResponse> {
               TILSYN_RETURN_IF_ERROR(store->Ready());
               return Ok(Json{{"status", "ready"}});
             });
}

void RegisterOpenApiRoute(Router& router) {
  // The document lists this route too, so add the spec first and build from the full table.
  RouteSpec spec{
      "GET", "/api/v1/openapi.json", {}, "This OpenAPI document", "health", {}, "", "", "OpenApi",
      200};
  std::vector<RouteSpec> specs = router.Specs();
  specs.push_back(spec);
  std::string doc = BuildOpenApi(specs).dump();
  router.Add(spec, [doc](const ApiRequest&) -> Result<net::HttpResponse> {
    net::HttpResponse r;
    r.body = doc;
    return r;
  });
}

std::unique_ptr<Router> BuildHealthRouter(const ApiContext& ctx) {
  auto router = std::make_unique<Router>(MakeBearerAuthenticator(ctx.store, false, ctx.clock));
  RegisterHealthRoutes(*router, ctx);
  return router;
}

std::unique_ptr<Router> BuildApiRouter(const ApiContext& ctx) {
  auto router = std::make_unique<Router>(
      MakeBearerAuthenticator(ctx.store, ctx.vehicle_client_certs, ctx.clock));
  if (ctx.http_metrics) {
    std::shared_ptr<HttpMetrics> m = ctx.http_metrics;
    router->SetObserver([m](const std::string& method, const std::string& route, int status,
                            double seconds) { m->Record(method, route, status, seconds); });
  }
  if (ctx.rate_limiter) {
    std::shared_ptr<RateLimiter> limiter = ctx.rate_limiter;
    router->SetAdmission(
        [limiter](const Principal& p, const RouteSpec&) -> std::optional<net::HttpResponse> {
          const int wait_s = limiter->Take(std::string(store::ToString(p.role)) + ":" + p.subject);
          if (wait_s == 0) return std::nullopt;
          net::HttpResponse r = net::HttpResponse::Error(
              Status::ResourceExhausted("too many requests from " + p.subject + "; try again in " +
                                        std::to_string(wait_s) + " s"));
          r.headers.emplace_back("Retry-After", std::to_string(wait_s));
          return r;
        });
  }
  RegisterHealthRoutes(*router, ctx);
  RegisterTaskRoutes(*router, ctx);
  RegisterVehicleRoutes(*router, ctx);
  RegisterFleetRoutes(*router, ctx);
  RegisterJobRoutes(*router, ctx);
  RegisterObservationRoutes(*router, ctx);
  RegisterAssessmentRoutes(*router, ctx);
  RegisterEvidenceRoutes(*router, ctx);
  RegisterStatsRoutes(*router, ctx);
  RegisterPrivacyRoutes(*router, ctx);
  RegisterSubjectRequestRoutes(*router, ctx);
  RegisterEvaluationRoutes(*router, ctx);
  RegisterMeRoutes(*router, ctx);
  RegisterAccountRoutes(*router, ctx);
  RegisterCoverageRoutes(*router, ctx);
  RegisterNetworkRoutes(*router, ctx);
  RegisterBasemapRoutes(*router, ctx);
  RegisterCapabilityRoutes(*router, ctx);
  RegisterPermitRoutes(*router, ctx);
  RegisterAnnotationRoutes(*router, ctx);
  RegisterReferenceRoutes(*router, ctx);
  RegisterRetentionRoutes(*router, ctx);
  RegisterCaseRoutes(*router, ctx);
  RegisterExportRoutes(*router, ctx);
  RegisterMetricsRoutes(*router, ctx);
  RegisterStaticRoutes(*router, ctx);
  RegisterOpenApiRoute(*router);
  return router;
}

}  // namespace tilsyn::server
