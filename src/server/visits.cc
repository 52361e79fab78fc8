#include "server/visits.h"

#include <algorithm>

#include "core/time_format.h"

namespace tilsyn::server {
namespace {

constexpr TimeMs kDayMs = 86'400'000;

// Whether any hour with passes (the coverage's local hour profile) falls in one of the task's
// weekly windows on some day. Without windows every hour is in.
bool PassesInWindows(const tasks::Task& task, const Json& site) {
  if (task.schedule.windows.empty()) return true;
  if (!site.contains("hour_profile") || !site["hour_profile"].is_array()) return true;
  const Json& hours = site["hour_profile"];
  for (size_t h = 0; h < hours.size() && h < 24; ++h) {
    if (!hours[h].is_number() || hours[h].get<int64_t>() <= 0) continue;
    const int from = static_cast<int>(h) * 60, to = from + 60;
    for (const tasks::WeeklyWindow& w : task.schedule.windows) {
      if (w.start_minute < to && w.end_minute > from) return true;
    }
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
                       const std::optional<Json>& site, bool has_report) {
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
  } else {
    v.reason_code = "not_captured";
    v.reason = "no observation for more than " + days + " days although vehicles pass (" +
               std::to_string(site->value("passes", int64_t{0})) +
               " passes in the coverage period): check which vehicles are offered the job";
  }
  return v;
}

}  // namespace tilsyn::server
