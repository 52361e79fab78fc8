// The demo summary: counts for each step of the value chain, from the store and the agents'
// reports, as JSON (`tilsyn demo --json`) or a table.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "demo/scenario.h"
#include "store/store.h"

namespace tilsyn::demo {

// `agent_reports` are the agents' final JSON lines; `webhook` the receiver's tallies.
Result<Json> BuildSummary(store::Store& store, const std::vector<Json>& agent_reports,
                          const Json& webhook);
std::string RenderSummary(const Json& summary);

// One entry per site: title, kind, expected (Site::expected), known_miss (Site::known_miss) and
// got — the distinct outcomes of the task's assessments, sorted and joined with "+" ("none" when
// it has none) — and assessments (how many). Sites are matched to tasks by title.
Result<Json> TaskOutcomes(store::Store& store, const std::vector<Site>& sites);

// {family: sum of its samples} of a Prometheus text exposition (histogram families by their
// _count samples; comments skipped).
Json SumMetricFamilies(const std::string& text);

// An agent's final report: the last non-empty line of its stdout file, parsed as JSON
// ({} when missing or malformed).
Json ReadAgentReport(const std::string& stdout_path);

}  // namespace tilsyn::demo
