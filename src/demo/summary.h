// The demo summary: counts for each step of the value chain, from the store and the agents'
// reports, as JSON (`tilsyn demo --json`) or a table.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "store/store.h"

namespace tilsyn::demo {

// `agent_reports` are the agents' final JSON lines; `webhook` the receiver's tallies.
Result<Json> BuildSummary(store::Store& store, const std::vector<Json>& agent_reports,
                          const Json& webhook);
std::string RenderSummary(const Json& summary);

}  // namespace tilsyn::demo
