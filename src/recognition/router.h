// RouterRecognizer: decides, per request, the ORDER in which the configured services are asked;
// the walk itself (ask until one is good enough, record every run) is WalkChain (fallback.h).
// It is itself a Recognizer, so the pipeline never knows how services were chosen.
//
// Order, per target label (the request's first target, as recorded in recognition runs):
//   1. eligible = the service's labels cover the targets AND TermsAllow(data class, terms);
//      nothing else is ever called — an external service never sees a local/internal task's image.
//   2. learned score = good-enough rate (Laplace-smoothed mean) × inspector precision (a Thompson
//      sample from Beta(correct + 1, wrong + 1)) − latency_weight × p95 seconds − cost_weight ×
//      cost; highest first. With probability `epsilon` a random eligible service goes first
//      (exploration, so a new service gets traffic). The RNG is seeded: deterministic in tests.
//   3. a service whose circuit breaker is open is skipped (not called); when every eligible
//      service is open the call fails with Unavailable, so the pipeline retries the observation
//      later and nothing is lost.
// Statistics come from a StatsSource (the store's ServiceStatsSummary in the server) and are
// refreshed at most every `refresh_ms` (Clock), never per call. Thread-safe (a mutex around the
// RNG and the stats snapshot; services are called outside it).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "recognition/circuit_breaker.h"
#include "recognition/recognizer.h"

namespace tilsyn::recognition {

// What the router learns from, per service × label (a subset of store::ServiceStats).
struct ServiceLabelStats {
  std::string service, label;
  int64_t calls = 0, good_enough = 0, errors = 0, timeouts = 0;
  double p50_ms = 0, p95_ms = 0;
  int64_t feedback_correct = 0, feedback_wrong = 0;
};
using StatsSource = std::function<Result<std::vector<ServiceLabelStats>>()>;

struct RoutingOptions {
  bool learn = true;             // false: the configured order (a plain fallback chain + breakers)
  int64_t refresh_ms = 30'000;   // how often stats are re-read
  double epsilon = 0.05;         // exploration probability
  uint64_t seed = 1;             // RNG seed
  double latency_weight = 0.02;  // score penalty per second of p95 latency
  double cost_weight = 0.01;     // score penalty per unit of cost
  BreakerOptions breaker;
};

class RouterRecognizer : public Recognizer {
 public:
  RouterRecognizer(std::string name, std::vector<std::shared_ptr<Recognizer>> services,
                   RoutingOptions options, Clock* clock, StatsSource stats);

  const ServiceInfo& info() const override { return info_; }
  Result<Recognition> Recognize(const cv::Mat& bgr, const RecognizeRequest& req) override;

  // The order this request would get now (eligible services, breakers not consulted). Draws
  // from the RNG like a real call.
  std::vector<std::string> Order(const RecognizeRequest& req);
  // Breaker state of a configured service ("closed" for unknown names).
  CircuitBreaker::State BreakerState(const std::string& service) const;
  // Re-reads the stats now.
  void Refresh();
  // What each configured service declares, in configured order (capabilities.h).
  std::vector<ServiceInfo> ServiceInfos() const;

 private:
  std::vector<std::shared_ptr<Recognizer>> Ranked(const RecognizeRequest& req);
  void MaybeRefresh();

  ServiceInfo info_;
  std::vector<std::shared_ptr<Recognizer>> services_;
  RoutingOptions options_;
  Clock* clock_;
  StatsSource stats_source_;
  std::map<std::string, std::unique_ptr<CircuitBreaker>> breakers_;  // fixed after construction

  std::mutex mu_;  // guards the members below
  std::mt19937_64 rng_;
  std::map<std::pair<std::string, std::string>, ServiceLabelStats> stats_;
  TimeMs last_refresh_ms_ = 0;
  bool refreshed_ = false;
};

}  // namespace tilsyn::recognition
