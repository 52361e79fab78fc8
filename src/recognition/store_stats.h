// The router's statistics read from the store: ServiceStatsSummary (calls, good-enough runs,
// errors, timeouts, latency, and inspector feedback on the runs whose result was used).
// Thread-safe as the store is.
#pragma once

#include "recognition/router.h"
#include "store/stats_store.h"

namespace tilsyn::recognition {

StatsSource StoreStatsSource(store::StatsStore* store);

}  // namespace tilsyn::recognition
