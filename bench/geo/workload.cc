#include "bench/geo/workload.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "geo/local_projection.h"

namespace tilsyn::bench {
namespace {

geo::Geofence StarPolygon(const geo::LocalProjection& pr, int n, double r, bool hole,
                          std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> ang(n);
  for (int i = 0; i < n; ++i) ang[i] = 2 * M_PI * (i + 0.1 + 0.8 * u(rng)) / n;  // strictly rising
  auto pos = [&](double x, double y) {
    geo::LatLon p = pr.ToLatLon({x, y});
    return Json::array({p.lon, p.lat});
  };
  Json outer = Json::array();
  Json first;
  // Small polygons: vertex radius 0.8–1.0 r. Large ones: a smooth wobble (0.75–0.95 r) plus
  // jitter of about one vertex spacing, like a traced district boundary.
  double phase = 2 * M_PI * u(rng), step = 2 * M_PI * r / n;
  for (int i = 0; i < n; ++i) {
    double rr = n < 100 ? r * (0.8 + 0.2 * u(rng))
                        : r * (0.85 + 0.1 * std::sin(3 * ang[i] + phase)) + step * (u(rng) - 0.5);
    Json p = pos(rr * std::cos(ang[i]), rr * std::sin(ang[i]));
    if (i == 0) first = p;
    outer.push_back(p);
  }
  outer.push_back(first);
  Json coords = Json::array({outer});
  if (hole) {
    double h = 0.2 * r;
    coords.push_back(Json::array({pos(-h, -h), pos(-h, h), pos(h, h), pos(h, -h), pos(-h, -h)}));
  }
  auto g = geo::Geofence::FromGeoJson({{"type", "Polygon"}, {"coordinates", coords}}, "area");
  return g.ok() ? *g : geo::Geofence::Circle(pr.ToLatLon({0, 0}), r);
}

}  // namespace

Workload MakeWorkload(int fences, int points, int vehicles, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Workload w;
  w.fences.reserve(fences);
  for (int i = 0; i < fences; ++i) {
    geo::LatLon c{kMinLat + (kMaxLat - kMinLat) * u(rng), kMinLon + (kMaxLon - kMinLon) * u(rng)};
    double k = u(rng);
    geo::Geofence g = geo::Geofence::Circle(c, 1);
    if (k < 0.70) {
      g = geo::Geofence::Circle(c, 10 + 40 * u(rng));
    } else if (k < 0.99) {
      int n = 8 + static_cast<int>(25 * u(rng));
      g = StarPolygon(geo::LocalProjection(c), n, 15 + 45 * u(rng), false, rng);
    } else {
      int n = 200 + static_cast<int>(801 * u(rng));
      g = StarPolygon(geo::LocalProjection(c), n, 100 + 300 * u(rng), u(rng) < 0.1, rng);
    }
    w.fences.emplace_back(std::to_string(i), std::move(g));
  }
  // Street grid in metres from the box's south-west corner.
  geo::LatLon sw{kMinLat, kMinLon};
  geo::LocalProjection pr(sw);
  geo::XY ne = pr.ToXY({kMaxLat, kMaxLon});
  const double block = 100;
  int gx = static_cast<int>(ne.x / block), gy = static_cast<int>(ne.y / block);
  std::normal_distribution<double> noise(0, 5);
  int per = points / vehicles;
  w.points.reserve(points);
  for (int v = 0; v < vehicles; ++v) {
    int n = v == vehicles - 1 ? points - per * (vehicles - 1) : per;
    int ix = static_cast<int>(u(rng) * gx), iy = static_cast<int>(u(rng) * gy);
    double x = ix * block, y = iy * block;
    int dir = static_cast<int>(u(rng) * 4);
    double speed = 8 + 6 * u(rng);
    for (int t = 0; t < n; ++t) {
      w.points.push_back(pr.ToLatLon({x + noise(rng), y + noise(rng)}));
      double left = speed;
      while (left > 0) {
        // Distance to the next intersection along the current direction.
        double along = (dir % 2 == 0) ? x : y;
        double sign = (dir < 2) ? 1 : -1;
        double next = sign > 0 ? (std::floor(along / block) + 1) * block
                               : (std::ceil(along / block) - 1) * block;
        double d = std::fabs(next - along);
        double step = std::min(d, left);
        if (dir % 2 == 0) x += sign * step; else y += sign * step;
        left -= step;
        if (step == d) {  // at an intersection: maybe turn, never leave the box
          x = std::round(x / block) * block;
          y = std::round(y / block) * block;
          for (int tries = 0; tries < 8; ++tries) {
            int nd = u(rng) < 0.6 ? dir : static_cast<int>(u(rng) * 4);
            double nx = x + (nd == 0 ? block : nd == 2 ? -block : 0);
            double ny = y + (nd == 1 ? block : nd == 3 ? -block : 0);
            if (nx >= 0 && ny >= 0 && nx <= gx * block && ny <= gy * block) {
              dir = nd;
              break;
            }
          }
        }
      }
    }
  }
  return w;
}

}  // namespace tilsyn::bench
