// Recognition services configured by name in the server config file, and the recognizer the
// pipeline gets from them (a RouterRecognizer over the configured services). docs/recognition.md
// documents the format:
//   "recognizers": [{"name": "vendor-a", "type": "http-json", "terms": "external",
//                    "timeout_ms": 3000, "cost": 2, "thresholds": {"car": 0.35},
//                    "settings": {...type-specific...}}, …],
//   "routing": {"learn": true, "refresh_ms": 30000, "epsilon": 0.05, "seed": 1,
//               "latency_weight": 0.02, "cost_weight": 0.01,
//               "breaker_failures": 3, "breaker_cooldown_ms": 30000}
// Every problem is an InvalidArgument naming the field ("recognizers[2].type",
// "recognizers[0].settings.url", "routing.epsilon"), reported at start-up. Without "recognizers"
// the services are the built-in defaults: hog-person → cascade-fullbody for persons, ocr for text,
// change for before/after, and opencv-dnn with the project's `street` model (models/) when found,
// in fixed order; an installed pack's recognition models (RecognitionConfig::installed_pack)
// replace the project's.
// Pure functions; the built services are thread-safe as their implementations are.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "recognition/registry.h"
#include "recognition/router.h"

namespace tilsyn::recognition {

struct ServiceSpec {
  std::string name, type;
  std::optional<DataTerms> terms;  // overrides the implementation's default
  std::optional<int> timeout_ms;
  std::optional<double> cost;
  std::map<std::string, double> thresholds;  // label -> raw score threshold in (0, 1)
  Json settings = Json::object();
};

struct RecognitionConfig {
  std::vector<ServiceSpec> services;  // empty = the default chain
  RoutingOptions routing;
  std::optional<bool> learn;  // "routing.learn"; default: true when services are configured
  // A model pack installed by `tilsyn models install` (<data_dir>/models; "" = none): the default
  // chain takes its recognition models instead of the project's (docs/teach.md).
  std::string installed_pack;
};

std::optional<DataTerms> ParseDataTerms(std::string_view s);

// Registers every type this build knows: the built-ins (RegisterBuiltins) and the remote
// adapters "http-json" and "kserve-v2".
void RegisterAllTypes(Registry& registry);

// `recognizers` and `routing` may be null (absent). Types are checked against `registry`.
Result<RecognitionConfig> ParseRecognitionConfig(const Json& recognizers, const Json& routing,
                                                 const Registry& registry);

// Creates the configured services (or the built-in defaults), each wrapped in the
// configured-service decorator (name, terms, timeout, cost, per-label calibration). A factory's
// error names the field under "recognizers[i].settings".
Result<std::vector<std::shared_ptr<Recognizer>>> BuildServices(const RecognitionConfig& config,
                                                               const Registry& registry);

// The decorator: reports `info` (the inner service's labels are kept when info.labels is empty),
// and when info.thresholds is set, calibrates each detection's score of those labels with
// CalibrateScore and recomputes good_enough on the calibrated scores.
std::shared_ptr<Recognizer> NewConfiguredService(std::shared_ptr<Recognizer> inner,
                                                 ServiceInfo info);

// The pipeline's recognizer: a router over BuildServices(config). Without configured services
// routing does not learn unless "routing.learn" says so (today's fixed order, plus breakers).
Result<std::unique_ptr<RouterRecognizer>> BuildRecognitionRouter(const RecognitionConfig& config,
                                                                 const Registry& registry,
                                                                 Clock* clock, StatsSource stats);

}  // namespace tilsyn::recognition
