#include "coverage/vehicle_selection.h"

#include <algorithm>

namespace tilsyn::coverage {

std::optional<std::vector<std::string>> SelectVehicles(const std::optional<Json>& site, int top_k) {
  if (top_k <= 0 || !site || !site->contains("vehicles") || !(*site)["vehicles"].is_array()) {
    return std::nullopt;
  }
  // The report lists vehicles most passes first (ties by name); keep that order, skip zeros.
  std::vector<std::string> out;
  for (const auto& v : (*site)["vehicles"]) {
    if (static_cast<int>(out.size()) >= top_k) break;
    if (!v.is_object() || !v.contains("vehicle") || !v["vehicle"].is_string()) continue;
    if (v.value("passes", 0) <= 0) continue;
    out.push_back(v["vehicle"].get<std::string>());
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> SelectVehicles(const CoverageCache* cache,
                                                       const std::string& task_id, int top_k) {
  if (!cache || top_k <= 0) return std::nullopt;
  return SelectVehicles(cache->Site(task_id), top_k);
}

bool OfferedAt(const CoverageCache* cache, const std::string& task_id, const std::string& vehicle,
               int top_k, TimeMs captured_ms) {
  auto selected = SelectVehicles(cache, task_id, top_k);
  if (!selected || std::find(selected->begin(), selected->end(), vehicle) != selected->end()) {
    return true;
  }
  std::optional<TimeMs> computed = cache->ComputedMs();
  return computed && captured_ms < *computed;
}

}  // namespace tilsyn::coverage
