#include "recognition/router.h"

#include <algorithm>

#include "core/log.h"
#include "recognition/fallback.h"

namespace tilsyn::recognition {
namespace {

// A draw from Beta(a, b) through two gamma draws.
double SampleBeta(std::mt19937_64& rng, double a, double b) {
  std::gamma_distribution<double> ga(a, 1.0), gb(b, 1.0);
  const double x = ga(rng), y = gb(rng);
  return x + y > 0 ? x / (x + y) : 0.5;
}

}  // namespace

RouterRecognizer::RouterRecognizer(std::string name,
                                   std::vector<std::shared_ptr<Recognizer>> services,
                                   RoutingOptions options, Clock* clock, StatsSource stats)
    : services_(std::move(services)),
      options_(options),
      clock_(clock),
      stats_source_(std::move(stats)),
      rng_(options.seed) {
  info_ = CombinedInfo(std::move(name), "router", services_);
  for (const auto& r : services_) {
    breakers_[r->info().name] = std::make_unique<CircuitBreaker>(options_.breaker);
  }
}

void RouterRecognizer::Refresh() {
  if (!stats_source_) return;
  Result<std::vector<ServiceLabelStats>> fresh = stats_source_();
  std::lock_guard<std::mutex> l(mu_);
  last_refresh_ms_ = clock_->NowMs();
  refreshed_ = true;
  if (!fresh.ok()) {
    LogWarn("router_stats_failed", {{"error", fresh.status().ToString()}});
    return;  // keep the previous snapshot
  }
  stats_.clear();
  for (ServiceLabelStats& s : *fresh) {
    auto key = std::make_pair(s.service, s.label);
    stats_[key] = std::move(s);
  }
}

void RouterRecognizer::MaybeRefresh() {
  if (!options_.learn || !stats_source_) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (refreshed_ && clock_->NowMs() - last_refresh_ms_ < options_.refresh_ms) return;
  }
  Refresh();
}

std::vector<std::shared_ptr<Recognizer>> RouterRecognizer::Ranked(const RecognizeRequest& req) {
  std::vector<std::shared_ptr<Recognizer>> eligible;
  for (const auto& s : services_) {
    if (CoversTargets(s->info(), req.targets) && TermsAllow(req.data_class, s->info().terms)) {
      eligible.push_back(s);
    }
  }
  if (!options_.learn || eligible.size() < 2) return eligible;
  const std::string label = req.targets.empty() ? "" : req.targets.front().label;

  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::pair<double, size_t>> scored;
  for (size_t i = 0; i < eligible.size(); ++i) {
    const ServiceInfo& si = eligible[i]->info();
    ServiceLabelStats st;
    auto it = stats_.find({si.name, label});
    if (it != stats_.end()) st = it->second;
    const double good_rate =
        (static_cast<double>(st.good_enough) + 1) / (static_cast<double>(st.calls) + 2);
    const double precision =
        SampleBeta(rng_, static_cast<double>(st.feedback_correct) + 1,
                   static_cast<double>(st.feedback_wrong) + 1);
    const double score = good_rate * precision -
                         options_.latency_weight * (st.p95_ms / 1000.0) -
                         options_.cost_weight * si.cost;
    scored.emplace_back(score, i);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::shared_ptr<Recognizer>> out;
  for (const auto& [score, i] : scored) out.push_back(eligible[i]);
  std::uniform_real_distribution<double> u(0, 1);
  if (u(rng_) < options_.epsilon) {
    std::uniform_int_distribution<size_t> pick(0, out.size() - 1);
    // The explored service moves to the front; the rest keep their learned order.
    const auto chosen = out.begin() + static_cast<std::ptrdiff_t>(pick(rng_));
    std::rotate(out.begin(), chosen, chosen + 1);
  }
  return out;
}

std::vector<std::string> RouterRecognizer::Order(const RecognizeRequest& req) {
  MaybeRefresh();
  std::vector<std::string> names;
  for (const auto& s : Ranked(req)) names.push_back(s->info().name);
  return names;
}

CircuitBreaker::State RouterRecognizer::BreakerState(const std::string& service) const {
  auto it = breakers_.find(service);
  if (it == breakers_.end()) return CircuitBreaker::State::kClosed;
  return it->second->state(clock_->NowMs());
}

Result<Recognition> RouterRecognizer::Recognize(const cv::Mat& bgr, const RecognizeRequest& req) {
  MaybeRefresh();
  std::vector<std::shared_ptr<Recognizer>> ranked = Ranked(req);
  if (ranked.empty()) return Recognition{};  // nothing may or can look: inconclusive, no runs

  const TimeMs now = clock_->NowMs();
  std::vector<std::shared_ptr<Recognizer>> chain;
  std::vector<std::string> skipped;
  for (const auto& s : ranked) {
    if (breakers_.at(s->info().name)->Allow(now)) {
      chain.push_back(s);
    } else {
      skipped.push_back(s->info().name);
    }
  }
  if (chain.empty()) {
    return Status::Unavailable("the circuit of every eligible recognition service is open");
  }
  if (!skipped.empty()) {
    LogInfo("router_skipped_open_circuits", {{"services", skipped}});
  }

  std::vector<RunResult> attempted;
  Result<Recognition> r = WalkChain(chain, bgr, req, clock_, &attempted);
  const TimeMs done = clock_->NowMs();
  for (const auto& s : chain) {
    CircuitBreaker& b = *breakers_.at(s->info().name);
    const RunResult* run = nullptr;
    for (const RunResult& a : attempted) {
      if (a.service == s->info().name) run = &a;
    }
    if (run == nullptr) {
      b.CancelTrial();  // not reached: an earlier service was good enough
    } else if (run->error.empty()) {
      b.RecordSuccess();
    } else {
      b.RecordFailure(done);
      if (b.state(done) == CircuitBreaker::State::kOpen) {
        LogWarn("circuit_open", {{"service", s->info().name}, {"error", run->error}});
      }
    }
  }
  return r;
}

std::vector<ServiceInfo> RouterRecognizer::ServiceInfos() const {
  std::vector<ServiceInfo> out;
  for (const auto& s : services_) out.push_back(s->info());
  return out;
}

}  // namespace tilsyn::recognition
