#include "geo/grid_geofence_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "core/time_format.h"
#include "geo/compiled_fence.h"
#include "unit/geo/ascii_map.h"

namespace tilsyn::geo {
namespace {

constexpr LatLon kO{55.6761, 12.5683};
const LocalProjection kProj(kO);

Json Ring(LocalProjection proj, std::vector<std::pair<double, double>> xy) {
  Json r = Json::array();
  for (auto [x, y] : xy) {
    LatLon p = proj.ToLatLon({x, y});
    r.push_back({p.lon, p.lat});
  }
  return r;
}

Geofence Parse(const Json& j) {
  auto g = Geofence::FromGeoJson(j, "area");
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return *g;
}

// Outer 0..10 × 0..8, hole 3..7 × 2..6 (metres from kO, the first vertex).
Geofence SquareWithHole() {
  return Parse({{"type", "Polygon"},
                {"coordinates",
                 {Ring(kProj, {{0, 0}, {10, 0}, {10, 8}, {0, 8}, {0, 0}}),
                  Ring(kProj, {{3, 2}, {7, 2}, {7, 6}, {3, 6}, {3, 2}})}}});
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(GridIndexMap, PolygonEdgesCountAsInsideAndTheHoleIsOutside) {
  const std::vector<std::string> map = {
      ".............",  // y = 9
      ".###########.",  // y = 8: top edge
      ".#IIIIIIIII#.",
      ".#II#####II#.",  // hole's top edge is still the fence's boundary: inside
      ".#II#hhh#II#.",
      ".#II#hhh#II#.",
      ".#II#hhh#II#.",
      ".#II#####II#.",
      ".#IIIIIIIII#.",
      ".###########.",  // y = 0
      ".............",  // y = -1
  };
  Geofence g = SquareWithHole();
  GridGeofenceIndex idx;
  idx.Upsert("sq", g);
  testing::ExpectMap(map, kO, -1, -1, [&](LatLon p) { return g.Contains(p); }, "Geofence");
  testing::ExpectMap(map, kO, -1, -1, [&](LatLon p) { return !idx.Query(p).empty(); }, "index");
}

TEST(GridIndexMap, CorridorHasRoundEndsAtTheBufferDistance) {
  // LineString (0,0) → (8,0), buffer 2 m.
  const std::vector<std::string> map = {
      "...............",  // y = 3
      "...#########...",  // y = 2: exactly 2 m from the line
      "..IIIIIIIIIII..",  // x = -1 and 9 are 1.41 m from the ends
      ".#IIIIIIIIIII#.",  // y = 0: x = -2 and 10 are exactly 2 m beyond the ends
      "..IIIIIIIIIII..",
      "...#########...",
      "...............",  // y = -3
  };
  Geofence g = Parse({{"type", "LineString"},
                      {"coordinates", Ring(kProj, {{0, 0}, {8, 0}})},
                      {"buffer_m", 2}});
  GridGeofenceIndex idx;
  idx.Upsert("c", g);
  testing::ExpectMap(map, kO, -3, -3, [&](LatLon p) { return g.Contains(p); }, "Geofence");
  testing::ExpectMap(map, kO, -3, -3, [&](LatLon p) { return !idx.Query(p).empty(); }, "index");
}

TEST(GridIndexMap, CircleBoundaryCountsAsInside) {
  const std::vector<std::string> m = {
      "...#...",  // y = 3: (0,3) on the circle
      ".IIIII.",  // (±2,2): 2.83 m
      ".IIIII.",
      "#IIIII#",  // y = 0: (±3,0) on the circle
      ".IIIII.",
      ".IIIII.",
      "...#...",  // y = -3
  };
  Geofence g = Geofence::Circle(kO, 3);
  GridGeofenceIndex idx;
  idx.Upsert("c", g);
  testing::ExpectMap(m, kO, -3, -3, [&](LatLon p) { return g.Contains(p); }, "Geofence");
  testing::ExpectMap(m, kO, -3, -3, [&](LatLon p) { return !idx.Query(p).empty(); }, "index");
}

// Random fences and points: the grid index answers exactly like Geofence::Contains.
TEST(GridIndex, AgreesWithExactContainmentOnRandomFences) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::pair<std::string, Geofence>> fences;
  for (int i = 0; i < 600; ++i) {
    LatLon c{55.60 + 0.05 * u(rng), 12.50 + 0.10 * u(rng)};
    LocalProjection pr(c);
    std::string id = "f" + std::to_string(i);
    int kind = i % 3;
    if (kind == 0) {
      fences.emplace_back(id, Geofence::Circle(c, 10 + 300 * u(rng)));
    } else if (kind == 1) {
      int n = 3 + static_cast<int>(40 * u(rng));
      double r = 20 + 400 * u(rng);
      std::vector<std::pair<double, double>> pts, hole;
      for (int k = 0; k < n; ++k) {
        double a = 2 * M_PI * k / n, rr = r * (0.6 + 0.4 * u(rng));
        pts.emplace_back(rr * std::cos(a), rr * std::sin(a));
      }
      pts.push_back(pts[0]);
      Json coords = {Ring(pr, pts)};
      if (i % 2) coords.push_back(Ring(pr, {{-r / 4, -r / 4}, {r / 4, -r / 4}, {r / 4, r / 4},
                                             {-r / 4, r / 4}, {-r / 4, -r / 4}}));
      fences.emplace_back(id, Parse({{"type", "Polygon"}, {"coordinates", coords}}));
    } else {
      std::vector<std::pair<double, double>> line;
      for (int k = 0; k < 4; ++k) line.emplace_back(300 * u(rng), 300 * u(rng));
      fences.emplace_back(id, Parse({{"type", "LineString"}, {"coordinates", Ring(pr, line)},
                                     {"buffer_m", 5 + 30 * u(rng)}}));
    }
  }
  GridGeofenceIndex idx;
  idx.Reset(fences);
  ASSERT_EQ(idx.size(), fences.size());
  int hits = 0;
  for (int k = 0; k < 20000; ++k) {
    LatLon p{55.60 + 0.05 * u(rng), 12.50 + 0.10 * u(rng)};
    std::vector<std::string> want;
    for (const auto& [id, f] : fences)
      if (f.Contains(p)) want.push_back(id);
    hits += static_cast<int>(want.size());
    ASSERT_EQ(Sorted(idx.Query(p)), Sorted(want)) << "point " << p.lat << "," << p.lon;
  }
  EXPECT_GT(hits, 1000);  // the test really exercises matches
}

// Points on and within micrometres to millimetres of fence boundaries (polygon vertices, edge
// points, circle rims), with fences dense enough that cells hold many candidates: the grid's
// shortcuts (float circle test with an exact band, sub-cell masks, per-cell polygon tests) give
// exactly CompiledFence::Contains's answer.
TEST(GridIndex, BoundaryPointsGetExactlyTheCompiledFenceAnswer) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::pair<std::string, Geofence>> fences;
  for (int i = 0; i < 400; ++i) {
    LatLon c{55.670 + 0.004 * u(rng), 12.560 + 0.006 * u(rng)};
    LocalProjection pr(c);
    std::string id = "f" + std::to_string(i);
    if (i % 2 == 0) {
      fences.emplace_back(id, Geofence::Circle(c, 10 + 40 * u(rng)));
      continue;
    }
    int n = i % 10 == 1 ? 300 : 8 + static_cast<int>(25 * u(rng));
    double r = i % 10 == 1 ? 150 : 15 + 45 * u(rng);
    std::vector<std::pair<double, double>> pts;
    for (int k = 0; k < n; ++k) {
      double a = 2 * M_PI * (k + 0.1 + 0.8 * u(rng)) / n, rr = r * (0.8 + 0.2 * u(rng));
      pts.emplace_back(rr * std::cos(a), rr * std::sin(a));
    }
    pts.push_back(pts[0]);
    fences.emplace_back(id, Parse({{"type", "Polygon"}, {"coordinates", {Ring(pr, pts)}}}));
  }
  GridGeofenceIndex idx;
  idx.Reset(fences);
  std::vector<std::shared_ptr<const CompiledFence>> compiled;
  for (const auto& [id, f] : fences) compiled.push_back(CompiledFence::Compile(id, f));
  std::vector<LatLon> probes;
  for (const auto& [id, f] : fences) {
    LocalProjection pr(f.origin());
    if (f.kind() == Geofence::Kind::kCircle) {
      for (int k = 0; k < 8; ++k) {
        double a = 2 * M_PI * u(rng);
        for (double d : {0.0, 1e-7, -1e-7, 1e-6, -1e-6, 2e-6, 1e-3, -1e-3, 0.02, -0.02}) {
          double rr = f.radius_m() + d;
          probes.push_back(pr.ToLatLon({rr * std::cos(a), rr * std::sin(a)}));
        }
      }
    } else {
      const auto& ring = f.rings()[0];
      for (size_t k = 0; k + 1 < ring.size(); k += ring.size() > 100 ? 7 : 1) {
        probes.push_back(ring[k]);
        XY a = pr.ToXY(ring[k]), b = pr.ToXY(ring[k + 1]);
        for (double t : {0.5, u(rng)}) {
          XY m{a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
          for (double d : {0.0, 1e-7, -1e-7, 1e-6, -1e-6, 1e-3, -1e-3}) {
            probes.push_back(pr.ToLatLon({m.x + d, m.y + d}));
          }
        }
      }
    }
  }
  int hits = 0;
  for (LatLon p : probes) {
    std::vector<std::string> want;
    for (const auto& c : compiled)
      if (c->Contains(p)) want.push_back(c->id());
    hits += static_cast<int>(want.size());
    ASSERT_EQ(Sorted(idx.Query(p)), Sorted(want)) << "point " << p.lat << "," << p.lon;
  }
  EXPECT_GT(hits, static_cast<int>(probes.size()) / 2);
}

TEST(GridIndex, UpsertReplacesAndRemoveForgets) {
  GridGeofenceIndex idx;
  LatLon far = Offset(kO, 90, 500);
  idx.Upsert("a", Geofence::Circle(kO, 20));
  EXPECT_EQ(idx.Query(kO), std::vector<std::string>{"a"});
  idx.Upsert("a", Geofence::Circle(far, 20));
  EXPECT_TRUE(idx.Query(kO).empty());
  EXPECT_EQ(idx.Query(far), std::vector<std::string>{"a"});
  EXPECT_EQ(idx.size(), 1u);
  idx.Remove("a");
  idx.Remove("missing");
  EXPECT_TRUE(idx.Query(far).empty());
  EXPECT_EQ(idx.size(), 0u);
  // Many single upserts trigger grid rebuilds; all stay findable.
  for (int i = 0; i < 300; ++i) idx.Upsert("c" + std::to_string(i), Geofence::Circle(Offset(kO, 0, i * 100.0), 10));
  for (int i = 0; i < 300; i += 2) idx.Remove("c" + std::to_string(i));
  EXPECT_EQ(idx.size(), 150u);
  for (int i = 0; i < 300; ++i) {
    auto got = idx.Query(Offset(kO, 0, i * 100.0));
    EXPECT_EQ(got.size(), i % 2 ? 1u : 0u) << i;
  }
}

TEST(GridIndex, ReadersSeeAConsistentSnapshotWhileWritersChangeFences) {
  GridGeofenceIndex idx;
  idx.Upsert("stable", Geofence::Circle(kO, 50));
  std::atomic<bool> stop{false};
  std::atomic<int64_t> missing{0}, queries{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        bool found = false;
        idx.snapshot()->ForEachMatch(kO, [&](const CompiledFence& f) { found |= f.id() == "stable"; });
        if (!found) ++missing;
        ++queries;
      }
    });
  }
  while (queries.load() < 10) std::this_thread::yield();  // readers are running
  for (int i = 0; i < 400; ++i) {
    idx.Upsert("x" + std::to_string(i % 50), Geofence::Circle(Offset(kO, i, 10), 5 + i % 7));
    if (i % 3 == 0) idx.Remove("x" + std::to_string((i + 7) % 50));
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(missing.load(), 0);
  EXPECT_GE(queries.load(), 10);
}

TEST(GridIndexFilter, HeadingLimitWrapsAroundNorth) {
  GridGeofenceIndex idx;
  FenceFilter f;
  f.heading_deg = 359;
  f.heading_tolerance_deg = 5;
  idx.Upsert("n", Geofence::Circle(kO, 20), f);
  auto at = [&](double h) { return idx.Query(QueryPoint{kO, std::nullopt, h}).size(); };
  EXPECT_EQ(at(1), 1u);    // 359° → 1° is 2° apart
  EXPECT_EQ(at(354), 1u);  // exactly at the tolerance
  EXPECT_EQ(at(4), 1u);
  EXPECT_EQ(at(5), 0u);
  EXPECT_EQ(at(180), 0u);
  EXPECT_EQ(idx.Query(QueryPoint{kO, std::nullopt, std::nullopt}).size(), 1u);  // no heading: no check
}

TimeMs T(const char* iso) { return *ParseIso8601(iso); }

TEST(GridIndexFilter, WeeklyWindowFollowsLocalTimeAcrossDstChanges) {
  // Sundays 02:00–04:00 Copenhagen time. 2024-03-31 (spring forward 02:00 → 03:00) and
  // 2024-10-27 (fall back 03:00 → 02:00) are Sundays.
  FenceFilter f;
  f.time_zone = "Europe/Copenhagen";
  f.windows = {{6, 120, 240}};
  EXPECT_FALSE(f.AllowsTime(T("2024-03-31T00:30:00Z")));  // 01:30 CET
  EXPECT_TRUE(f.AllowsTime(T("2024-03-31T01:00:00Z")));   // 03:00 CEST (02:xx does not exist)
  EXPECT_TRUE(f.AllowsTime(T("2024-03-31T01:59:00Z")));   // 03:59 CEST
  EXPECT_FALSE(f.AllowsTime(T("2024-03-31T02:00:00Z")));  // 04:00 CEST
  EXPECT_TRUE(f.AllowsTime(T("2024-10-27T00:00:00Z")));   // 02:00 CEST
  EXPECT_TRUE(f.AllowsTime(T("2024-10-27T01:30:00Z")));   // 02:30 CET, the repeated hour
  EXPECT_TRUE(f.AllowsTime(T("2024-10-27T02:59:00Z")));   // 03:59 CET
  EXPECT_FALSE(f.AllowsTime(T("2024-10-27T03:00:00Z")));  // 04:00 CET
  f.time_zone = "Mars/Olympus";
  EXPECT_FALSE(f.AllowsTime(T("2024-10-27T01:30:00Z")));
  GridGeofenceIndex idx;
  FenceFilter g;
  g.windows = {{6, 120, 240}};
  idx.Upsert("w", Geofence::Circle(kO, 20), g);
  EXPECT_EQ(idx.Query(QueryPoint{kO, T("2024-10-27T01:30:00Z"), std::nullopt}).size(), 1u);
  EXPECT_EQ(idx.Query(QueryPoint{kO, T("2024-10-27T04:30:00Z"), std::nullopt}).size(), 0u);
}

}  // namespace
}  // namespace tilsyn::geo
