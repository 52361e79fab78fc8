// The HTTP API (docs/api.md): one file per resource registers its routes on a Router. Handlers
// get everything through ApiContext (no globals), so tests build the router over a real store
// in a temp folder without sockets. Handlers are called concurrently; all state is in the store.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "coverage/coverage_output.h"
#include "coverage/network/network_cache.h"
#include "geo/latlon.h"
#include "recognition/capabilities.h"
#include "recognition/router.h"
#include "server/http_metrics.h"
#include "server/rate_limiter.h"
#include "server/router.h"
#include "store/blob_store.h"
#include "store/store.h"

namespace tilsyn::pipeline {
class Ingest;
}

namespace tilsyn::coverage {
class BasemapCache;
}  // namespace tilsyn::coverage

namespace tilsyn::server {

struct ApiContext {
  store::Store* store = nullptr;
  store::BlobStore* blobs = nullptr;
  pipeline::Ingest* ingest = nullptr;  // observation uploads; nullptr → 503
  Clock* clock = nullptr;
  std::function<void()> notify;  // wakes the pipeline after an upload (may be empty)
  std::string web_dir;           // built web UI served at / and /assets/ ("" = none)
  std::string tile_url;          // base map tile template for the UI ("" = no tiles)
  // The last coverage report (coverage/coverage_output.h; nullptr = none) and the planner's
  // top-k: jobs are offered only to the vehicles that pass the site (0 = all vehicles).
  std::shared_ptr<const coverage::CoverageCache> coverage;
  int coverage_top_k = 0;
  // The imported street network (network/segments.txt; nullptr = none), for GET /api/v1/network.
  std::shared_ptr<const coverage::NetworkCache> network;
  // The city's imported base map (basemap/features.jsonl; nullptr = none), for
  // GET /api/v1/basemap and the place search GET /api/v1/places.
  std::shared_ptr<const coverage::BasemapCache> basemap;
  // The labels the configured recognition services serve (GET /api/v1/capabilities); tasks whose
  // targets none serves are refused. nullopt = not checked (router tests without services).
  std::optional<std::vector<recognition::Capability>> capabilities;
  // Whether an SMTP server is configured: without one, tasks with e-mail actions are refused
  // (naming the action) instead of failing every delivery.
  bool email_enabled = false;
  // GET /metrics: request counters the router feeds (nullptr = none) and the recognizer whose
  // breakers are reported (nullptr = none).
  std::shared_ptr<HttpMetrics> http_metrics;
  const recognition::RouterRecognizer* recognizer = nullptr;
  // Per-caller request rate (429 with Retry-After beyond it; nullptr = none) and the uploads
  // being ingested at once (429 beyond it; nullptr = no cap).
  std::shared_ptr<RateLimiter> rate_limiter;
  std::shared_ptr<InflightLimit> uploads;
  // mTLS: a vehicle token counts only with the vehicle's verified client certificate
  // (net::HttpRequest::client_cert_subject == the vehicle id).
  bool vehicle_client_certs = false;
  // Served over TLS: session cookies get the Secure attribute.
  bool tls = false;
  // Location retention (ServerConfig), shown in the processing record; 0 = kept.
  int location_retention_days = 0;
  int gps_history_days = 0;
  // Where inspectors would drive from, for the pilot's "driving saved" (none = not computed).
  std::optional<geo::LatLon> pilot_depot;
};

void RegisterHealthRoutes(Router& router, const ApiContext& ctx);
void RegisterTaskRoutes(Router& router, const ApiContext& ctx);
void RegisterVehicleRoutes(Router& router, const ApiContext& ctx);
// POST /api/v1/heartbeat and the agent settings, GET/PUT /api/v1/agent-config (fleet.cc).
void RegisterFleetRoutes(Router& router, const ApiContext& ctx);
void RegisterJobRoutes(Router& router, const ApiContext& ctx);
void RegisterObservationRoutes(Router& router, const ApiContext& ctx);
void RegisterAssessmentRoutes(Router& router, const ApiContext& ctx);
void RegisterEvidenceRoutes(Router& router, const ApiContext& ctx);
void RegisterStatsRoutes(Router& router, const ApiContext& ctx);
// Image views for a purpose (audited), the audit trail and the processing record (privacy.cc).
void RegisterPrivacyRoutes(Router& router, const ApiContext& ctx);
// A data subject's request: search, export and erase observations by place and time.
void RegisterSubjectRequestRoutes(Router& router, const ApiContext& ctx);
// GET /api/v1/evaluation(.csv): the pilot's figures per period and department.
void RegisterEvaluationRoutes(Router& router, const ApiContext& ctx);
// GET /api/v1/me: the caller's subject and role (the web UI's role-aware navigation).
void RegisterMeRoutes(Router& router, const ApiContext& ctx);
// People's accounts: login/logout (web sessions), /api/v1/users and /api/v1/tokens (accounts.cc).
void RegisterAccountRoutes(Router& router, const ApiContext& ctx);
// GET /api/v1/tasks/{id}/coverage: the site's coverage and the vehicles its job is offered to.
void RegisterCoverageRoutes(Router& router, const ApiContext& ctx);
// GET /api/v1/network?bbox=…: the imported street network in a box, as GeoJSON (network.cc).
void RegisterNetworkRoutes(Router& router, const ApiContext& ctx);
// GET /api/v1/basemap?bbox=… and GET /api/v1/places?q=…: the imported base map and a search
// over its names (basemap.cc).
void RegisterBasemapRoutes(Router& router, const ApiContext& ctx);
// GET /metrics: Prometheus text format, admin token (metrics.cc).
void RegisterMetricsRoutes(Router& router, const ApiContext& ctx);
// GET /api/v1/exports/findings.{geojson,csv}: findings for GIS and spreadsheets (exports.cc).
void RegisterExportRoutes(Router& router, const ApiContext& ctx);
// /api/v1/permits: street-occupation permits for permit-check tasks (permits.cc).
void RegisterPermitRoutes(Router& router, const ApiContext& ctx);
void RegisterAnnotationRoutes(Router& router, const ApiContext& ctx);
void RegisterReferenceRoutes(Router& router, const ApiContext& ctx);
void RegisterRetentionRoutes(Router& router, const ApiContext& ctx);
void RegisterCaseRoutes(Router& router, const ApiContext& ctx);
// GET /api/v1/capabilities: each served label with its services and data classes.
void RegisterCapabilityRoutes(Router& router, const ApiContext& ctx);
// GET / (index.html), GET /assets/{file} from ctx.web_dir and GET /ui-config.json (tile URL);
// public, no directory traversal.
void RegisterStaticRoutes(Router& router, const ApiContext& ctx);
// <folder of the running binary>/../../web/dist, normalised (the default ServerConfig::web_dir).
std::string DefaultWebDir();
// GET /api/v1/openapi.json, generated from the router's table; register it last.
void RegisterOpenApiRoute(Router& router);

// A router with every route of the API, authenticating with bearer tokens from ctx.store.
std::unique_ptr<Router> BuildApiRouter(const ApiContext& ctx);
// Only GET /healthz and GET /readyz (a worker process's port).
std::unique_ptr<Router> BuildHealthRouter(const ApiContext& ctx);

}  // namespace tilsyn::server
