#include "coverage/coverage_run.h"

#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "core/file_util.h"
#include "core/log.h"
#include "coverage/coverage_cli.h"
#include "coverage/coverage_output.h"
#include "coverage/history/dir_position_history.h"
#include "coverage/network/street_network.h"
#include "coverage/vehicle_selection.h"

namespace tilsyn::coverage {
namespace {

using Ranking = std::optional<std::vector<std::string>>;

std::map<std::string, Ranking> Rankings(const Json& report) {
  std::map<std::string, Ranking> out;
  if (!report.is_object() || !report.contains("sites") || !report["sites"].is_array()) return out;
  for (const Json& site : report["sites"]) {
    const std::string id = StringOr(site, "task_id");
    if (!id.empty()) out[id] = SelectVehicles(site, std::numeric_limits<int>::max());
  }
  return out;
}

}  // namespace

Result<std::vector<Site>> ActiveTaskSites(store::Store& store) {
  std::vector<Site> sites;
  store::TaskFilter filter;
  filter.statuses = {tasks::TaskStatus::kActive};
  filter.limit = 1000;
  for (;;) {
    TILSYN_ASSIGN_OR_RETURN(auto page, store.ListTasks(filter));
    for (const auto& t : page) sites.push_back({t.id, t.title, t.area});
    if (static_cast<int>(page.size()) < filter.limit) break;
    filter.offset += filter.limit;
  }
  return sites;
}

std::vector<std::string> ChangedRankings(const Json& before, const Json& after) {
  const auto old_rank = Rankings(before), new_rank = Rankings(after);
  std::vector<std::string> changed;
  for (const auto& [id, rank] : new_rank) {
    auto it = old_rank.find(id);
    if (it == old_rank.end() || it->second != rank) changed.push_back(id);
  }
  for (const auto& [id, _] : old_rank) {
    if (!new_rank.count(id)) changed.push_back(id);
  }
  return changed;
}

Result<CoverageRunResult> RunCoverageOnce(store::Store& store, const CoverageRunOptions& o) {
  CoverageRunResult out;
  TILSYN_ASSIGN_OR_RETURN(out.sites, ActiveTaskSites(store));
  StreetNetwork net;
  TILSYN_RETURN_IF_ERROR(LoadNetwork(NetworkFile(o.data_dir), &net));
  net.Build();
  out.network_segments = net.size();
  DirPositionHistory history(HistoryDir(o.data_dir));
  CoverageOptions co;
  co.threads = o.threads;
  co.network = &net;
  co.time_zone = o.time_zone;
  co.lane_snap_m = o.lane_snap_m;
  co.progress = o.progress;
  TILSYN_ASSIGN_OR_RETURN(out.report, ComputeCoverage(history, out.sites, co));

  const std::string path = CoverageFilePath(o.data_dir);
  Json before = nullptr;
  if (Result<std::string> old = ReadFile(path); old.ok()) {
    before = Json::parse(*old, nullptr, /*allow_exceptions=*/false);
  }
  const Json after = ReportToJson(out.report);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  TILSYN_RETURN_IF_ERROR(WriteFileAtomic(path, after.dump()));
  // After the report is written: an agent that syncs in between gets the new selection.
  out.reoffered = ChangedRankings(before, after);
  if (!out.reoffered.empty()) {
    TILSYN_RETURN_IF_ERROR(store.BumpJobVersions(out.reoffered).status());
    LogInfo("coverage.reoffered", {{"tasks", out.reoffered.size()}});
  }
  return out;
}

}  // namespace tilsyn::coverage
