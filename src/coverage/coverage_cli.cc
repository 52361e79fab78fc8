#include "coverage/coverage_cli.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "core/file_util.h"
#include "coverage/coverage_output.h"
#include "coverage/coverage_run.h"
#include "coverage/history/dir_position_history.h"
#include "coverage/import/gps_import.h"
#include "coverage/network/network_import.h"
#include "coverage/network/street_network.h"
#include "coverage/progress.h"

namespace tilsyn::coverage {
namespace {

int Fail(const Status& st) {
  std::cerr << "tilsyn: " << st.ToString() << "\n";
  return st.code() == Code::kInvalidArgument ? 2 : 1;
}

void PrintBad(const std::vector<BadRecord>& bad, int64_t total) {
  size_t shown = std::min<size_t>(bad.size(), 20);
  for (size_t i = 0; i < shown; ++i) {
    const auto& b = bad[i];
    std::cerr << "  bad record: " << b.file;
    if (b.line > 0) std::cerr << ":" << b.line;
    std::cerr << ": " << b.reason << "\n";
  }
  if (total > static_cast<int64_t>(shown)) {
    std::cerr << "  … and " << (total - static_cast<int64_t>(shown)) << " more bad records\n";
  }
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

std::string HistoryDir(const std::string& data_dir) { return data_dir + "/history"; }
std::string NetworkFile(const std::string& data_dir) { return data_dir + "/network/segments.txt"; }

int RunImportGps(const ImportGpsFlags& f) {
  GpsImportOptions o;
  auto fmt = ParseGpsFormat(f.format);
  if (!fmt.ok()) return Fail(fmt.status());
  o.format = *fmt;
  o.vehicle = f.vehicle;
  if (!f.csv_columns.empty()) {
    auto m = ParseCsvMapping(f.csv_columns);
    if (!m.ok()) return Fail(m.status());
    o.csv = *m;
  }
  o.csv.time_format = f.time_format;
  DirPositionHistory history(HistoryDir(f.data_dir));
  ProgressBar bar("import", static_cast<int64_t>(f.files.size()), "fixes");
  int64_t records = 0, good = 0, bad = 0;
  std::vector<BadRecord> bad_list;
  std::map<std::string, int64_t> per_vehicle;
  for (size_t i = 0; i < f.files.size(); ++i) {
    GpsImportResult r;
    Status s = ImportGpsFile(f.files[i], o, &r);
    if (!s.ok()) return Fail(s.Annotate(f.files[i]));
    for (auto& [vehicle, fixes] : r.by_vehicle) {
      std::vector<HistoryFix> h;
      h.reserve(fixes.size());
      for (const auto& x : fixes) h.push_back({x.time, x.pos});
      Status st = history.Append(vehicle, h);
      if (!st.ok()) return Fail(st);
      per_vehicle[vehicle] += static_cast<int64_t>(fixes.size());
    }
    records += r.records;
    good += r.good;
    bad += r.bad;
    for (auto& b : r.bad_records) {
      if (bad_list.size() < GpsImportResult::kMaxListed) bad_list.push_back(std::move(b));
    }
    bar.Update(static_cast<int64_t>(i + 1), good);
  }
  bar.Finish(good);
  PrintBad(bad_list, bad);
  Json summary{{"files", f.files.size()},
               {"records", records},
               {"imported", good},
               {"bad", bad},
               {"vehicles", per_vehicle.size()},
               {"history_bytes", history.DiskBytes()},
               {"history_dir", history.root()}};
  if (f.json) {
    std::cout << summary.dump() << "\n";
  } else {
    std::cout << "imported " << good << " fixes of " << per_vehicle.size() << " vehicle(s) from "
              << f.files.size() << " file(s); " << bad << " bad record(s) skipped; history now "
              << history.DiskBytes() << " bytes in " << history.root() << "\n";
  }
  return 0;
}

int RunImportNetwork(const ImportNetworkFlags& f) {
  NetworkImportOptions o;
  if (!f.kind_map.empty()) {
    auto m = ParseKindMap(f.kind_map);
    if (!m.ok()) return Fail(m.status());
    o = *m;
  }
  if (!f.kind.empty()) {
    auto k = ParseLaneKind(f.kind);
    if (!k.ok()) return Fail(k.status());
    o.kind = *k;
  }
  StreetNetwork net;
  const std::string path = NetworkFile(f.data_dir);
  if (!f.replace) {
    Status s = LoadNetwork(path, &net);
    if (!s.ok()) return Fail(s);
  }
  NetworkImportResult total;
  ProgressBar bar("network", static_cast<int64_t>(f.files.size()), "segments");
  for (size_t i = 0; i < f.files.size(); ++i) {
    const std::string& file = f.files[i];
    NetworkImportResult r;
    Status s = ImportNetworkFile(file, o, &net, &r);  // .gpkg through GDAL, else GeoJSON
    if (!s.ok()) return Fail(s);
    total.features += r.features;
    total.segments += r.segments;
    total.bad += r.bad;
    for (int k = 0; k < kLaneKinds; ++k) total.by_kind[k] += r.by_kind[k];
    for (auto& b : r.bad_records) total.bad_records.push_back(std::move(b));
    bar.Update(static_cast<int64_t>(i + 1), total.segments);
  }
  bar.Finish(total.segments);
  PrintBad(total.bad_records, total.bad);
  Status s = SaveNetwork(path, net);
  if (!s.ok()) return Fail(s);
  std::cout << "imported " << total.segments << " segments (" << total.by_kind[0] << " roadway, "
            << total.by_kind[1] << " cycle_track) from " << total.features << " features; "
            << total.bad << " bad feature(s) skipped; network now " << net.size() << " segments ("
            << net.count(LaneKind::kRoadway) << " roadway, " << net.count(LaneKind::kCycleTrack)
            << " cycle_track) in " << path << "\n";
  return 0;
}

int RunCoverage(const CoverageFlags& f) {
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  std::string database = f.database;
  if (const char* env = std::getenv("TILSYN_DATABASE_URL"); database.empty() && env) database = env;
  if (database.empty() && !std::filesystem::exists(f.data_dir + "/tilsyn.db")) {
    return Fail(Status::NotFound(
        "no database in " + f.data_dir + " (the server's --data-dir, where the tasks are)",
        "data-dir"));
  }
  auto store = store::OpenStore(database.empty() ? f.data_dir + "/tilsyn.db" : database);
  if (!store.ok()) return Fail(store.status());
  CoverageRunOptions o;
  o.data_dir = f.data_dir;
  o.threads = f.threads;
  o.time_zone = f.time_zone;
  o.lane_snap_m = f.lane_snap_m;
  std::unique_ptr<ProgressBar> bar;
  std::mutex bar_mu;
  o.progress = [&](int64_t done, int64_t total, int64_t fixes) {
    {
      std::lock_guard lock(bar_mu);
      if (!bar) bar = std::make_unique<ProgressBar>("coverage", total, "fixes");
    }
    bar->Update(done, fixes);
  };
  Result<CoverageRunResult> run = RunCoverageOnce(**store, o);
  if (!run.ok()) return Fail(run.status());
  const CoverageReport* report = &run->report;
  if (bar) bar->Finish(report->fixes);
  Status s;
  if (!f.csv.empty()) s = WriteFileAtomic(f.csv, ReportToCsv(*report));
  if (s.ok() && !f.geojson.empty()) {
    s = WriteFileAtomic(f.geojson, ReportToGeoJson(*report, run->sites).dump(1));
  }
  if (!s.ok()) return Fail(s);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (f.json) {
    std::cout << ReportToJson(*report).dump(2) << "\n";
    return 0;
  }
  int64_t covered = 0;
  for (const auto& site : report->sites) covered += site.vehicles.empty() ? 0 : 1;
  std::printf(
      "coverage: %zu site(s), %lld covered; %lld vehicle(s), %lld vehicle-day(s), %lld "
      "fixes, %lld passes; network %zu segments; wall %.1f s, cpu %.1f s\n",
      report->sites.size(), static_cast<long long>(covered),
      static_cast<long long>(report->vehicles), static_cast<long long>(report->vehicle_days),
      static_cast<long long>(report->fixes), static_cast<long long>(report->passes),
      run->network_segments, wall, CpuSeconds() - cpu0);
  for (const auto& site : report->sites) {
    std::printf("  %s %-24s passes=%lld vehicles=%zu per_week=%.1f median_kmh=%s lane=%s (%.2f)\n",
                site.site_id.c_str(), site.name.substr(0, 24).c_str(),
                static_cast<long long>(site.passes), site.vehicles.size(), site.passes_per_week,
                site.median_speed_kmh < 0
                    ? "-"
                    : std::to_string(static_cast<int>(site.median_speed_kmh + 0.5)).c_str(),
                site.lane.lane.c_str(), site.lane.confidence);
    if (&site - report->sites.data() >= 49) {
      std::printf("  … (%zu sites in all; see --csv / --geojson)\n", report->sites.size());
      break;
    }
  }
  if (!run->reoffered.empty()) {
    std::printf("re-offered %zu job(s) whose passing vehicles changed (agents sync them again)\n",
                run->reoffered.size());
  }
  std::printf("written %s%s%s\n", CoverageFilePath(f.data_dir).c_str(),
              f.csv.empty() ? "" : (", " + f.csv).c_str(),
              f.geojson.empty() ? "" : (", " + f.geojson).c_str());
  return 0;
}

}  // namespace tilsyn::coverage
