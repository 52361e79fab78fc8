#include "coverage/coverage_output.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/csv.h"
#include "core/file_util.h"
#include "coverage/history/dir_position_history.h"

namespace tilsyn::coverage {
namespace {

Json LaneToJson(const LaneEstimate& l) {
  return Json{{"lane", l.lane},
              {"confidence", std::round(l.confidence * 1000) / 1000},
              {"roadway_passes", l.passes[0]},
              {"cycle_track_passes", l.passes[1]},
              {"unknown_passes", l.unknown_passes}};
}

Json Speed(double v) { return v < 0 ? Json(nullptr) : Json(std::round(v * 10) / 10); }
double R3(double v) { return std::round(v * 1000) / 1000; }

}  // namespace

Json VehicleToJson(const VehicleCoverage& v) {
  return Json{{"vehicle", v.vehicle},
              {"passes", v.passes},
              {"days_with_pass", v.days_with_pass},
              {"weeks_with_pass", v.weeks_with_pass},
              {"passes_per_day", R3(v.passes_per_day)},
              {"passes_per_week", R3(v.passes_per_week)},
              {"hour_profile", v.hour_profile},
              {"median_speed_kmh", Speed(v.median_speed_kmh)},
              {"lane", LaneToJson(v.lane)}};
}

Json SiteToJson(const SiteCoverage& s) {
  Json vehicles = Json::array();
  for (const auto& v : s.vehicles) vehicles.push_back(VehicleToJson(v));
  return Json{{"task_id", s.site_id},
              {"name", s.name},
              {"anchor", {s.anchor.lon, s.anchor.lat}},
              {"passes", s.passes},
              {"vehicle_count", s.vehicles.size()},
              {"passes_per_day", R3(s.passes_per_day)},
              {"passes_per_week", R3(s.passes_per_week)},
              {"hour_profile", s.hour_profile},
              {"median_speed_kmh", Speed(s.median_speed_kmh)},
              {"lane", LaneToJson(s.lane)},
              {"vehicles", vehicles}};
}

Json ReportToJson(const CoverageReport& r) {
  Json sites = Json::array();
  for (const auto& s : r.sites) sites.push_back(SiteToJson(s));
  return Json{{"first_day", r.period_days ? DayToString(r.first_day) : ""},
              {"last_day", r.period_days ? DayToString(r.last_day) : ""},
              {"period_days", r.period_days},
              {"vehicles", r.vehicles},
              {"vehicle_days", r.vehicle_days},
              {"fixes", r.fixes},
              {"passes", r.passes},
              {"time_zone", r.time_zone},
              {"sites", sites}};
}

std::string ReportToCsv(const CoverageReport& r) {
  std::string out =
      "task_id,name,vehicle,passes,days_with_pass,weeks_with_pass,passes_per_day,passes_per_week,"
      "median_speed_kmh,lane,lane_confidence";
  for (int h = 0; h < 24; ++h) {
    char b[16];
    std::snprintf(b, sizeof b, ",h%02d", h);
    out += b;
  }
  out += '\n';
  auto row = [&](const SiteCoverage& s, const std::string& vehicle, int64_t passes, int64_t days,
                 int64_t weeks, double ppd, double ppw, double speed, const LaneEstimate& lane,
                 const std::array<int64_t, 24>& hours) {
    char b[256];
    char speed_s[32] = "";
    if (speed >= 0) std::snprintf(speed_s, sizeof speed_s, "%.1f", speed);
    // Site rows ("*") have no per-vehicle day/week counts: empty fields.
    std::string days_s = days < 0 ? "" : std::to_string(days);
    std::string weeks_s = weeks < 0 ? "" : std::to_string(weeks);
    std::snprintf(b, sizeof b, ",%lld,%s,%s,%.3f,%.3f,%s,%s,%.3f", static_cast<long long>(passes),
                  days_s.c_str(), weeks_s.c_str(), ppd, ppw, speed_s, lane.lane.c_str(),
                  lane.confidence);
    out += CsvField(s.site_id) + "," + CsvField(s.name) + "," + CsvField(vehicle) + b;
    for (int64_t h : hours) out += "," + std::to_string(h);
    out += '\n';
  };
  for (const auto& s : r.sites) {
    row(s, "*", s.passes, -1, -1, s.passes_per_day, s.passes_per_week, s.median_speed_kmh, s.lane,
        s.hour_profile);
    for (const auto& v : s.vehicles) {
      row(s, v.vehicle, v.passes, v.days_with_pass, v.weeks_with_pass, v.passes_per_day,
          v.passes_per_week, v.median_speed_kmh, v.lane, v.hour_profile);
    }
  }
  return out;
}

Json ReportToGeoJson(const CoverageReport& r, const std::vector<Site>& sites) {
  Json features = Json::array();
  for (size_t i = 0; i < r.sites.size(); ++i) {
    Json props = SiteToJson(r.sites[i]);
    Json geometry = i < sites.size() ? sites[i].fence.ToGeoJson() : Json(nullptr);
    features.push_back(Json{{"type", "Feature"}, {"geometry", geometry}, {"properties", props}});
  }
  return Json{{"type", "FeatureCollection"},
              {"features", features},
              {"properties",
               {{"period_days", r.period_days}, {"vehicles", r.vehicles}, {"fixes", r.fixes}}}};
}

std::string CoverageFilePath(const std::string& data_dir) {
  return data_dir + "/coverage/coverage.json";
}

std::shared_ptr<const CoverageCache::Loaded> CoverageCache::Get() const {
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(path_, ec);
  std::lock_guard lock(mu_);
  if (ec) {
    loaded_.reset();
    return nullptr;
  }
  if (loaded_ && loaded_->mtime == mtime) return loaded_;
  auto text = ReadFile(path_);
  if (!text.ok()) return loaded_;
  Json doc = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("sites")) return loaded_;
  auto l = std::make_shared<Loaded>();
  l->mtime = mtime;
  for (auto& s : doc["sites"]) {
    if (s.is_object() && s.contains("task_id") && s["task_id"].is_string()) {
      std::string id = s["task_id"].get<std::string>();  // before the move below
      l->sites[id] = std::move(s);
    }
  }
  doc.erase("sites");
  l->summary = std::move(doc);
  loaded_ = l;
  return loaded_;
}

std::optional<Json> CoverageCache::Site(const std::string& task_id) const {
  auto l = Get();
  if (!l) return std::nullopt;
  auto it = l->sites.find(task_id);
  if (it == l->sites.end()) return std::nullopt;
  return it->second;
}

bool CoverageCache::HasReport() const {
  auto l = Get();
  return l && l->summary.value("vehicle_days", 0) > 0;
}

std::optional<TimeMs> CoverageCache::ComputedMs() const {
  auto l = Get();
  if (!l) return std::nullopt;
  const auto sys = std::chrono::file_clock::to_sys(l->mtime);
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

std::optional<Json> CoverageCache::Summary() const {
  auto l = Get();
  if (!l) return std::nullopt;
  return l->summary;
}

}  // namespace tilsyn::coverage
