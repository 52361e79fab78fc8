#include "recognition/fallback.h"

#include <algorithm>
#include <optional>

#include "core/log.h"

namespace tilsyn::recognition {

bool CoversTargets(const ServiceInfo& info, const std::vector<tasks::Target>& targets) {
  for (const tasks::Target& t : targets) {
    if (std::find(info.labels.begin(), info.labels.end(), t.label) == info.labels.end()) {
      return false;
    }
  }
  return true;
}

namespace {

class FallbackRecognizer : public Recognizer {
 public:
  FallbackRecognizer(std::string name, std::vector<std::shared_ptr<Recognizer>> chain,
                     Clock* clock)
      : info_(CombinedInfo(std::move(name), "fallback", chain)), chain_(std::move(chain)),
        clock_(clock) {}

  const ServiceInfo& info() const override { return info_; }

  Result<Recognition> Recognize(const cv::Mat& bgr, const RecognizeRequest& req) override {
    return WalkChain(chain_, bgr, req, clock_);
  }

 private:
  ServiceInfo info_;
  std::vector<std::shared_ptr<Recognizer>> chain_;
  Clock* clock_;
};

}  // namespace

Result<Recognition> WalkChain(const std::vector<std::shared_ptr<Recognizer>>& chain,
                              const cv::Mat& bgr, const RecognizeRequest& req, Clock* clock,
                              std::vector<RunResult>* attempted) {
  Recognition out;
  std::optional<Recognition> last_ok;
  int called = 0;
  std::string last_error;
  for (const auto& service : chain) {
    const ServiceInfo& si = service->info();
    if (!CoversTargets(si, req.targets) || !TermsAllow(req.data_class, si.terms)) continue;
    ++called;
    const TimeMs started = clock->NowMs();
    Result<Recognition> r = service->Recognize(bgr, req);
    const TimeMs finished = clock->NowMs();

    RunResult run;
    run.service = si.name;
    run.started_ms = started;
    run.finished_ms = finished;
    if (!r.ok() && r.status().code() == Code::kDeadlineExceeded) {
      run.error = "timeout: " + r.status().ToString();  // counted as a timeout in stats
    } else if (!r.ok()) {
      run.error = r.status().ToString();
    } else if (si.timeout_ms > 0 && finished - started > si.timeout_ms) {
      // Too late to be useful: treated like an error, the result is discarded.
      run.error = "timeout: " + std::to_string(finished - started) + " ms > " +
                  std::to_string(si.timeout_ms) + " ms";
    } else {
      run.detections = r->detections;
      run.good_enough = r->good_enough;
    }
    if (r.ok() && run.error.empty() && r->runs.size() > 1) {
      // A nested chain reports its own calls; keep them as they are.
      out.runs.insert(out.runs.end(), r->runs.begin(), r->runs.end());
    } else {
      out.runs.push_back(run);
    }
    if (!run.error.empty()) {
      last_error = run.error;
      LogWarn("recognizer_failed", {{"service", si.name}, {"error", run.error}});
      continue;
    }
    last_ok = std::move(*r);
    last_ok->service = si.name;
    if (run.good_enough) break;
  }
  if (last_ok) {
    out.detections = std::move(last_ok->detections);
    out.good_enough = last_ok->good_enough;
    out.service = last_ok->service;
  }
  if (attempted != nullptr) *attempted = out.runs;
  if (!last_ok && called > 0) {
    // Every service failed: an outage, worth retrying later.
    return Status::Unavailable("all " + std::to_string(called) +
                               " recognition services failed; last: " + last_error);
  }
  return out;
}

bool TermsAllow(const std::string& data_class, DataTerms terms) {
  if (data_class == "external") return true;
  if (data_class == "internal") return terms != DataTerms::kExternal;
  // "local" and anything unknown: the strictest reading.
  return terms == DataTerms::kLocal;
}

ServiceInfo CombinedInfo(std::string name, std::string type,
                         const std::vector<std::shared_ptr<Recognizer>>& services) {
  ServiceInfo info;
  info.name = std::move(name);
  info.type = std::move(type);
  info.terms = DataTerms::kLocal;
  info.timeout_ms = 0;
  for (const auto& r : services) {
    const ServiceInfo& i = r->info();
    for (const std::string& l : i.labels) {
      if (std::find(info.labels.begin(), info.labels.end(), l) == info.labels.end()) {
        info.labels.push_back(l);
      }
    }
    info.terms = std::max(info.terms, i.terms);
    info.timeout_ms += i.timeout_ms;
    info.cost = std::max(info.cost, i.cost);
  }
  return info;
}

std::unique_ptr<Recognizer> NewFallbackRecognizer(std::string name,
                                                  std::vector<std::shared_ptr<Recognizer>> chain,
                                                  Clock* clock) {
  return std::make_unique<FallbackRecognizer>(std::move(name), std::move(chain), clock);
}

}  // namespace tilsyn::recognition
