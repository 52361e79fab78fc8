// GET /metrics: the Prometheus text format (0.0.4) for an operator's scraper, with an admin
// token: HTTP requests and latency per route (HttpMetrics), observations by state and the
// recognition queue, action runs by type and status and the delivery queue, recognizer calls,
// good-enough results, errors, timeouts and fallbacks per service and label, each breaker's
// state, and images kept and deleted. Store figures are read at scrape time.
#include "server/api/api.h"
#include "server/api/api_util.h"

namespace tilsyn::server {
namespace {

void Family(std::string& out, const std::string& name, const std::string& type,
            const std::string& help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void Sample(std::string& out, const std::string& name,
            const std::vector<std::pair<std::string, std::string>>& labels, double value) {
  out += name;
  if (!labels.empty()) {
    out += "{";
    for (size_t i = 0; i < labels.size(); ++i) {
      out += (i ? "," : "") + labels[i].first + "=\"" + PromLabel(labels[i].second) + "\"";
    }
    out += "}";
  }
  char num[64];
  std::snprintf(num, sizeof num, " %.17g\n", value);
  out += num;
}

Result<net::HttpResponse> RenderMetrics(const ApiContext& ctx) {
  std::string out = ctx.http_metrics ? ctx.http_metrics->Render() : "";

  TILSYN_ASSIGN_OR_RETURN(auto obs, ctx.store->CountObservationsByState());
  Family(out, "tilsyn_observations", "gauge", "Observations by pipeline state.");
  for (const auto& [state, n] : obs) Sample(out, "tilsyn_observations", {{"state", state}}, n);

  TILSYN_ASSIGN_OR_RETURN(auto runs, ctx.store->ListActionRuns(std::nullopt, 0));
  std::map<std::pair<std::string, std::string>, int64_t> by_type;
  int64_t pending = 0;
  for (const auto& r : runs) {
    ++by_type[{r.type, std::string(store::ToString(r.status))}];
    pending += r.status == store::ActionStatus::kPending ? 1 : 0;
  }
  Family(out, "tilsyn_action_runs", "gauge", "Action runs by type and status.");
  for (const auto& [key, n] : by_type) {
    Sample(out, "tilsyn_action_runs", {{"type", key.first}, {"status", key.second}}, n);
  }
  Family(out, "tilsyn_queue_depth", "gauge",
         "Work waiting: uploads for the server's anonymization pass, observations to recognise, "
         "action runs to deliver.");
  Sample(out, "tilsyn_queue_depth", {{"queue", "anonymization"}},
         obs.count("received") ? obs.at("received") : 0);
  Sample(out, "tilsyn_queue_depth", {{"queue", "recognition"}},
         obs.count("stored") ? obs.at("stored") : 0);
  Sample(out, "tilsyn_queue_depth", {{"queue", "actions"}}, pending);

  TILSYN_ASSIGN_OR_RETURN(auto stats, ctx.store->ServiceStatsSummary());
  const std::vector<std::pair<std::string, std::function<int64_t(const store::ServiceStats&)>>>
      counters = {
          {"calls", [](const store::ServiceStats& s) { return s.calls; }},
          {"good_enough", [](const store::ServiceStats& s) { return s.good_enough; }},
          {"errors", [](const store::ServiceStats& s) { return s.errors; }},
          {"timeouts", [](const store::ServiceStats& s) { return s.timeouts; }},
          {"fallbacks", [](const store::ServiceStats& s) { return s.fallbacks; }},
      };
  for (const auto& [what, get] : counters) {
    const std::string name = "tilsyn_recognizer_" + what + "_total";
    Family(out, name, "counter", "Recognition runs (" + what + ") per service and label.");
    for (const auto& s : stats)
      Sample(out, name, {{"service", s.service}, {"label", s.label}}, get(s));
  }
  if (ctx.recognizer != nullptr) {
    Family(out, "tilsyn_recognizer_breaker_state", "gauge",
           "1 for each service's current circuit-breaker state (closed, open, half_open).");
    for (const auto& info : ctx.recognizer->ServiceInfos()) {
      Sample(
          out, "tilsyn_recognizer_breaker_state",
          {{"service", info.name},
           {"state", std::string(recognition::ToString(ctx.recognizer->BreakerState(info.name)))}},
          1);
    }
  }

  TILSYN_ASSIGN_OR_RETURN(auto blobs, ctx.store->CountBlobs());
  Family(out, "tilsyn_images", "gauge", "Images kept (encrypted, with a deadline) and deleted.");
  for (const char* state : {"kept", "deleted"}) {
    Sample(out, "tilsyn_images", {{"state", state}}, blobs.count(state) ? blobs.at(state) : 0);
  }

  net::HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = std::move(out);
  return r;
}

}  // namespace

void RegisterMetricsRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/metrics",
              {store::Role::kAdmin},
              "Prometheus metrics: requests, latency, queues, recognizers, actions, images",
              "health",
              {},
              "",
              "",
              "",
              200},
             [ctx](const ApiRequest&) { return RenderMetrics(ctx); });
}

}  // namespace tilsyn::server
