#include "server/visits.h"

#include <algorithm>

#include "core/time_format.h"
#include "coverage/vehicle_selection.h"

namespace tilsyn::server {
namespace {

constexpr TimeMs kDayMs = 86'400'000;

// Whether any hour with passes (the local hour profile of a site or one vehicle's passes there)
// falls in one of the task's weekly windows on some day. Without windows every hour is in.
bool PassesInWindows(const tasks::Task& task, const Json& passes) {
  if (task.schedule.windows.empty()) return true;
  if (!passes.contains("hour_profile") || !passes["hour_profile"].is_array()) return true;
  const Json& hours = passes["hour_profile"];
  for (size_t h = 0; h < hours.size() && h < 24; ++h) {
    if (!hours[h].is_number() || hours[h].get<int64_t>() <= 0) continue;
    const int from = static_cast<int>(h) * 60, to = from + 60;
    for (const tasks::WeeklyWindow& w : task.schedule.windows) {
      if (w.start_minute < to && w.end_minute > from) return true;
    }
  }
  return false;
}

// Whether a vehicle the planner offers the job to (the top_k that pass most, as
// coverage/vehicle_selection.h chooses them) passes within the task's windows. True when every
// vehicle is offered the job.
bool OfferedPassInWindows(const tasks::Task& task, const Json& site, int top_k) {
  const std::optional<std::vector<std::string>> offered = coverage::SelectVehicles(site, top_k);
  if (!offered) return true;
  for (const Json& v : site["vehicles"]) {
    if (!v.is_object() || !v.contains("vehicle") || !v["vehicle"].is_string()) continue;
    const std::string id = v["vehicle"].get<std::string>();
    if (std::find(offered->begin(), offered->end(), id) == offered->end()) continue;
    if (v.value("passes", int64_t{0}) > 0 && PassesInWindows(task, v)) return true;
  }
  return false;
}

}  // namespace

Json VisitStatus::ToJson(const std::optional<TimeMs>& last_capture) const {
  Json j = {
      {"overdue", overdue},
      {"last_observation_at", last_capture ? Json(FormatIso8601(*last_capture)) : Json(nullptr)}};
  if (overdue) {
    j["due_since"] = FormatIso8601(due_since_ms);
    j["reason_code"] = reason_code;
    j["reason"] = reason;
  }
  return j;
}

VisitStatus CheckVisit(const tasks::Task& task, std::optional<TimeMs> last_capture, TimeMs now,
                       const std::optional<Json>& site, bool has_report, int top_k) {
  VisitStatus v;
  if (!task.revisit_days || task.status != tasks::TaskStatus::kActive) return v;
  const TimeMs from = std::max(task.schedule.valid_from, last_capture.value_or(0));
  v.due_since_ms = from + *task.revisit_days * kDayMs;
  if (now <= v.due_since_ms) return v;
  v.overdue = true;
  const std::string days = std::to_string(*task.revisit_days);
  if (!has_report || !site) {
    v.reason_code = "no_coverage";
    v.reason = "no observation for more than " + days +
               " days; which vehicles pass is not analysed yet (run tilsyn coverage)";
  } else if (site->value("passes", int64_t{0}) <= 0) {
    v.reason_code = "no_vehicle_passes";
    v.reason = "no observation for more than " + days +
               " days: no vehicle in the GPS history passes the site";
  } else if (!PassesInWindows(task, *site)) {
    v.reason_code = "outside_windows";
    v.reason = "no observation for more than " + days +
               " days: vehicles pass the site only outside the task's time windows";
  } else if (!OfferedPassInWindows(task, *site, top_k)) {
    v.reason_code = "vehicles_deselected";
    v.reason = "no observation for more than " + days +
               " days: the vehicles that pass within the task's time windows are not among the " +
               std::to_string(top_k) +
               " the job is offered to (coverage_top_k), and those pass outside them";
  } else {
    v.reason_code = "not_captured";
    v.reason = "no observation for more than " + days + " days although vehicles pass (" +
               std::to_string(site->value("passes", int64_t{0})) +
               " passes in the coverage period): check the fleet page for vehicles that stopped "
               "or cameras that fail";
  }
  return v;
}

}  // namespace tilsyn::server
