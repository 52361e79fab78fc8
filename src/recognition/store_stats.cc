#include "recognition/store_stats.h"

namespace tilsyn::recognition {

StatsSource StoreStatsSource(store::StatsStore* store) {
  return [store]() -> Result<std::vector<ServiceLabelStats>> {
    TILSYN_ASSIGN_OR_RETURN(std::vector<store::ServiceStats> all, store->ServiceStatsSummary());
    std::vector<ServiceLabelStats> out;
    out.reserve(all.size());
    for (const store::ServiceStats& s : all) {
      ServiceLabelStats o;
      o.service = s.service;
      o.label = s.label;
      o.calls = s.calls;
      o.good_enough = s.good_enough;
      o.errors = s.errors;
      o.timeouts = s.timeouts;
      o.p50_ms = s.p50_ms;
      o.p95_ms = s.p95_ms;
      o.feedback_correct = s.feedback_correct;
      o.feedback_wrong = s.feedback_wrong;
      out.push_back(std::move(o));
    }
    return out;
  };
}

}  // namespace tilsyn::recognition
