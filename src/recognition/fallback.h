// FallbackRecognizer: a decorator that asks services in order until one gives a good-enough
// result (step 6). Services whose labels do not cover the targets, or whose data terms the
// task's data class forbids, are skipped without being called. Errors and timeouts count as not
// good enough and move on. When none is good enough, the last successful result is returned with
// good_enough = false (the assessment becomes inconclusive); every call is in `runs`, timed with
// the Clock (a call slower than the service's timeout_ms counts as a timeout). When every service
// called failed, Recognize returns Unavailable (retryable); when none could be called (no label
// coverage or terms), an ok Recognition with good_enough = false and no runs.
#pragma once

#include <memory>
#include <vector>

#include "recognition/recognizer.h"

namespace tilsyn::recognition {

// True when a task of `data_class` may send images to a service with `terms`:
// "internal" allows local and internal services; "external" allows all; "local" only local.
bool TermsAllow(const std::string& data_class, DataTerms terms);
// True when the service's labels include every target label.
bool CoversTargets(const ServiceInfo& info, const std::vector<tasks::Target>& targets);

// The walk itself, shared by FallbackRecognizer and the router (router.h), which decides the
// order: asks each service of `chain` that covers the targets and whose terms the data class
// allows, in order, until one is good enough. A DeadlineExceeded error is recorded as
// "timeout: …" so stats can count timeouts apart from other errors. `attempted` (optional)
// receives every run even when the walk fails as a whole (the router feeds its breakers).
Result<Recognition> WalkChain(const std::vector<std::shared_ptr<Recognizer>>& chain,
                              const cv::Mat& bgr, const RecognizeRequest& req, Clock* clock,
                              std::vector<RunResult>* attempted = nullptr);

// The info of a decorator over `services`: the union of their labels, the most permissive data
// terms among them (so a caller's terms check covers every service it may reach), the sum of
// their timeouts and the highest cost.
ServiceInfo CombinedInfo(std::string name, std::string type,
                         const std::vector<std::shared_ptr<Recognizer>>& services);

std::unique_ptr<Recognizer> NewFallbackRecognizer(std::string name,
                                                  std::vector<std::shared_ptr<Recognizer>> chain,
                                                  Clock* clock);

}  // namespace tilsyn::recognition
