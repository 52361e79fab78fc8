// HttpMetrics: requests per route pattern, method and status, and a latency histogram per route,
// fed by the Router after each request and rendered in the Prometheus text exposition format
// (version 0.0.4) by GET /metrics. Thread-safe (one mutex; a request costs one map update).
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace tilsyn::server {

class HttpMetrics {
 public:
  // `route` is the matched pattern ("/api/v1/tasks/{id}"), "unmatched" for unknown paths.
  void Record(const std::string& method, const std::string& route, int status, double seconds);
  // tilsyn_http_requests_total and tilsyn_http_request_duration_seconds, with HELP/TYPE lines.
  std::string Render() const;

  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};

 private:
  struct Histogram {
    std::array<int64_t, kBuckets.size()> le{};  // cumulative counts per bucket
    int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> latency_;
};

// A label value escaped for the text format (backslash, quote, newline).
std::string PromLabel(const std::string& v);

}  // namespace tilsyn::server
