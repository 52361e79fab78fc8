// Lane estimate on real Copenhagen geometry: GeoDanmark cycle tracks/lanes (cycle_track) and the
// OpenStreetMap patch of roads (roadway), both loaded as the network. Synthetic 1 Hz drives follow
// chained segments of one kind inside the OSM patch, with Gaussian GPS noise of σ = 5–10 m; each
// drive passes one 40 m site at its middle and goes through ComputeCoverage. The share of passes
// whose estimated lane equals the driven kind must be ≥ 90%.
// The OSM patch is BikeDNA's *bicycle-network* subset: besides roads it holds cycle tracks mapped
// as separate ways, lying on top of the GeoDanmark ones. An OSM edge whose points all lie within
// 4 m of a GeoDanmark cycle track is that cycle track, not a road, and is not loaded as roadway.
// Data: © OpenStreetMap contributors (ODbL); contains data from GeoDanmark (2022).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <tuple>

#include "core/file_util.h"
#include "coverage/coverage_engine.h"
#include "coverage/history/memory_position_history.h"
#include "fakes/test_paths.h"
#include "geo/latlon.h"

namespace tilsyn::coverage {
namespace {

// The OSM patch (Østerbro/Nørrebro), where both layers exist.
constexpr double kMinLat = 55.7207, kMaxLat = 55.7286, kMinLon = 12.5556, kMaxLon = 12.5881;
constexpr double kMPerDeg = 6371008.8 * M_PI / 180.0;

bool InPatch(geo::LatLon p) {
  return p.lat > kMinLat && p.lat < kMaxLat && p.lon > kMinLon && p.lon < kMaxLon;
}

// Random walks over the segments of one kind, joined at shared end points.
class Walker {
 public:
  Walker(const StreetNetwork& net, LaneKind kind) {
    for (const auto& s : net.segments()) {
      if (s.kind != kind || !InPatch(s.a) || !InPatch(s.b)) continue;
      segs_.push_back(s);
      at_[Key(s.a)].push_back(segs_.size() - 1);
      at_[Key(s.b)].push_back(segs_.size() - 1);
    }
  }
  // A path of at least `min_m` metres, or empty.
  std::vector<geo::LatLon> Walk(std::mt19937& rng, double min_m) {
    if (segs_.empty()) return {};
    size_t cur = std::uniform_int_distribution<size_t>(0, segs_.size() - 1)(rng);
    std::vector<geo::LatLon> path{segs_[cur].a, segs_[cur].b};
    double len = geo::DistanceM(segs_[cur].a, segs_[cur].b);
    std::map<size_t, bool> used{{cur, true}};
    while (len < min_m) {
      geo::LatLon end = path.back();
      double heading = geo::BearingDeg(path[path.size() - 2], end);
      // Continue on the straightest unused segment at this end (the way a vehicle follows a street).
      size_t best = SIZE_MAX;
      double best_turn = 60;
      for (size_t i : at_[Key(end)]) {
        if (used.count(i)) continue;
        geo::LatLon next = Key(segs_[i].a) == Key(end) ? segs_[i].b : segs_[i].a;
        double turn = geo::HeadingDiffDeg(heading, geo::BearingDeg(end, next));
        if (turn < best_turn) best_turn = turn, best = i;
      }
      if (best == SIZE_MAX) break;
      used[best] = true;
      geo::LatLon next = Key(segs_[best].a) == Key(end) ? segs_[best].b : segs_[best].a;
      len += geo::DistanceM(end, next);
      path.push_back(next);
    }
    return len >= min_m ? path : std::vector<geo::LatLon>{};
  }

 private:
  static std::pair<int64_t, int64_t> Key(geo::LatLon p) {
    return {std::llround(p.lat * 1e6), std::llround(p.lon * 1e6)};
  }
  std::vector<NetworkSegment> segs_;
  std::map<std::pair<int64_t, int64_t>, std::vector<size_t>> at_;
};

// Points every `step_m` metres along `path`.
std::vector<geo::LatLon> Sample(const std::vector<geo::LatLon>& path, double step_m) {
  std::vector<geo::LatLon> out;
  double carry = 0;
  for (size_t i = 1; i < path.size(); ++i) {
    double d = geo::DistanceM(path[i - 1], path[i]);
    double brg = geo::BearingDeg(path[i - 1], path[i]);
    for (double s = carry; s < d; s += step_m) out.push_back(geo::Offset(path[i - 1], brg, s));
    carry = std::fmod(carry - d, step_m);
    if (carry < 0) carry += step_m;
  }
  return out;
}

TEST(LaneCopenhagen, DrivesOnCycleTracksAndRoadsAreClassifiedAtLeast90Percent) {
  if (testing::SharedDir().empty()) GTEST_SKIP() << "no ../shared";
  const std::string dir = testing::SharedDir() + "/data/bikedna/";
  if (!std::filesystem::exists(dir + "geodk_reference.geojson") ||
      !std::filesystem::exists(dir + "osm_subset.geojson")) {
    GTEST_SKIP() << "no Copenhagen data";
  }
  StreetNetwork cycle, osm;
  for (auto [file, kind, into] : {std::tuple{"geodk_reference.geojson", LaneKind::kCycleTrack, &cycle},
                                  std::tuple{"osm_subset.geojson", LaneKind::kRoadway, &osm}}) {
    auto text = ReadFile(dir + file);
    ASSERT_TRUE(text.ok());
    NetworkImportOptions o;
    o.kind = kind;
    NetworkImportResult r;
    ASSERT_TRUE(ImportNetworkGeoJson(*text, file, o, into, &r).ok());
  }
  cycle.Build();
  StreetNetwork net = cycle;
  int dropped = 0;
  for (const auto& s : osm.segments()) {
    bool on_cycle_track = true;
    for (double f : {0.0, 0.25, 0.5, 0.75, 1.0}) {
      geo::LatLon p{s.a.lat + f * (s.b.lat - s.a.lat), s.a.lon + f * (s.b.lon - s.a.lon)};
      if (!(cycle.Nearest(p, 4.0)[1] <= 4.0)) on_cycle_track = false;
    }
    if (on_cycle_track) {
      ++dropped;
    } else {
      net.Add(s);
    }
  }
  std::printf("osm_subset: %zu edges, %d lie on GeoDanmark cycle tracks (not loaded as roadway)\n",
              osm.size(), dropped);
  net.Build();

  std::mt19937 rng(20240101);
  MemoryPositionHistory history;
  std::vector<Site> sites;
  std::map<std::string, LaneKind> truth;
  const TimeMs t0 = 1'704'096'000'000;  // 2024-01-01 08:00 UTC
  for (LaneKind kind : {LaneKind::kCycleTrack, LaneKind::kRoadway}) {
    Walker walker(net, kind);
    const double mps = kind == LaneKind::kCycleTrack ? 5.0 : 9.0;
    int made = 0;
    for (int attempt = 0; made < 150 && attempt < 5000; ++attempt) {
      auto path = walker.Walk(rng, 160);
      if (path.empty()) continue;
      auto pts = Sample(path, mps);
      const double sigma = std::uniform_real_distribution<double>(5, 10)(rng);
      std::normal_distribution<double> noise(0, sigma / std::sqrt(2.0));  // σ = RMS horizontal
      std::vector<HistoryFix> fixes;
      for (size_t i = 0; i < pts.size(); ++i) {
        double kx = kMPerDeg * std::cos(pts[i].lat * M_PI / 180);
        fixes.push_back({t0 + static_cast<TimeMs>(i) * 1000,
                         {pts[i].lat + noise(rng) / kMPerDeg, pts[i].lon + noise(rng) / kx}});
      }
      const std::string id = std::string(ToString(kind)) + "-" + std::to_string(made);
      ASSERT_TRUE(history.Append(id, fixes).ok());
      sites.push_back({id, id, geo::Geofence::Circle(pts[pts.size() / 2], 40)});
      truth[id] = kind;
      ++made;
    }
    ASSERT_GE(made, 100) << ToString(kind);
  }
  CoverageOptions o;
  o.network = &net;
  o.threads = 2;
  auto report = ComputeCoverage(history, sites, o);
  ASSERT_TRUE(report.ok());
  std::map<LaneKind, std::pair<int, int>> score;  // kind → (correct, passes)
  for (const auto& s : report->sites) {
    for (const auto& v : s.vehicles) {
      if (v.vehicle != s.site_id) continue;  // only the drive this site was placed on
      auto& sc = score[truth[v.vehicle]];
      sc.second += 1;
      if (v.lane.lane == ToString(truth[v.vehicle])) sc.first += 1;
    }
  }
  int correct = 0, total = 0;
  for (auto& [k, sc] : score) {
    std::printf("lane %-11s %d/%d correct (%.1f%%)\n", std::string(ToString(k)).c_str(), sc.first,
                sc.second, 100.0 * sc.first / std::max(1, sc.second));
    correct += sc.first;
    total += sc.second;
  }
  const double share = static_cast<double>(correct) / std::max(1, total);
  std::printf("lane_copenhagen: passes=%d correct=%d share=%.3f (noise sigma 5-10 m)\n", total,
              correct, share);
  EXPECT_GE(total, 200);
  EXPECT_GE(share, 0.90);
}

}  // namespace
}  // namespace tilsyn::coverage
