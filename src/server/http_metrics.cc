#include "server/http_metrics.h"

#include <cstdio>

namespace tilsyn::server {

std::string PromLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void HttpMetrics::Record(const std::string& method, const std::string& route, int status,
                         double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{method, route, status}];
  Histogram& h = latency_[{method, route}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.le[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string HttpMetrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out =
      "# HELP tilsyn_http_requests_total HTTP requests by route, method and status.\n"
      "# TYPE tilsyn_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += "tilsyn_http_requests_total{method=\"" + PromLabel(method) + "\",route=\"" +
           PromLabel(route) + "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) +
           "\n";
  }
  out +=
      "# HELP tilsyn_http_request_duration_seconds Time to answer a request, by route.\n"
      "# TYPE tilsyn_http_request_duration_seconds histogram\n";
  char num[64];
  for (const auto& [key, h] : latency_) {
    const std::string labels =
        "method=\"" + PromLabel(key.first) + "\",route=\"" + PromLabel(key.second) + "\"";
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      std::snprintf(num, sizeof num, "%g", kBuckets[i]);
      out += "tilsyn_http_request_duration_seconds_bucket{" + labels + ",le=\"" + num + "\"} " +
             std::to_string(h.le[i]) + "\n";
    }
    out += "tilsyn_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    std::snprintf(num, sizeof num, "%.6f", h.sum);
    out += "tilsyn_http_request_duration_seconds_sum{" + labels + "} " + num + "\n";
    out += "tilsyn_http_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) +
           "\n";
  }
  return out;
}

}  // namespace tilsyn::server
