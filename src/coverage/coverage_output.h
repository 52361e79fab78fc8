// Coverage outputs: the report as JSON (the file `tilsyn coverage` leaves in the data dir for the
// server: <data-dir>/coverage/coverage.json), as CSV (one row per site and vehicle plus a "*" row
// per site) and as GeoJSON (one feature per site, its geofence geometry, stats in properties).
// CoverageCache serves the saved JSON to the API and planner, reloading it when the file changes.
// Pure functions are thread-safe; CoverageCache is thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "coverage/coverage_engine.h"

namespace tilsyn::coverage {

Json VehicleToJson(const VehicleCoverage& v);
Json SiteToJson(const SiteCoverage& s);
Json ReportToJson(const CoverageReport& r);
std::string ReportToCsv(const CoverageReport& r);
// `sites` in the report's order (for the geometries).
Json ReportToGeoJson(const CoverageReport& r, const std::vector<Site>& sites);

// <data_dir>/coverage/coverage.json
std::string CoverageFilePath(const std::string& data_dir);

class CoverageCache {
 public:
  explicit CoverageCache(std::string path) : path_(std::move(path)) {}
  // The site entry (SiteToJson) for a task, or nullopt when no coverage was computed for it.
  std::optional<Json> Site(const std::string& task_id) const;
  // Whether any coverage report is loaded (history exists).
  bool HasReport() const;
  // When the loaded report was written (its file's time), or nullopt without one.
  std::optional<TimeMs> ComputedMs() const;
  // The report's header fields (period, counts), or nullopt.
  std::optional<Json> Summary() const;

 private:
  struct Loaded {
    std::filesystem::file_time_type mtime;
    Json summary;
    std::map<std::string, Json> sites;
  };
  std::shared_ptr<const Loaded> Get() const;
  std::string path_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const Loaded> loaded_;
};

}  // namespace tilsyn::coverage
