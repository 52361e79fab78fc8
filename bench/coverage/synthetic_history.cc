#include "bench/coverage/synthetic_history.h"

#include <cmath>
#include <cstdio>
#include <random>

#include "coverage/history/columnar_codec.h"

namespace tilsyn::bench {
namespace {

constexpr double kMPerDeg = 6371008.8 * M_PI / 180.0;
constexpr double kMidLat = (StreetGrid::kMinLat + StreetGrid::kMaxLat) / 2;

// Small fast RNG (SplitMix64) — std::mt19937 + normal_distribution would dominate the bench.
struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return (Next() >> 11) * 0x1.0p-53; }
  int Int(int n) { return static_cast<int>(Uniform() * n); }
  // Approximate standard normal (sum of 4 uniforms, rescaled): cheap and good enough for noise.
  double Normal() {
    return (Uniform() + Uniform() + Uniform() + Uniform() - 2.0) * 1.7320508;
  }
};

}  // namespace

double StreetGrid::LatStep() { return kBlockM / kMPerDeg; }
double StreetGrid::LonStep() { return kBlockM / (kMPerDeg * std::cos(kMidLat * M_PI / 180)); }
int StreetGrid::Rows() { return static_cast<int>((kMaxLat - kMinLat) / LatStep()); }
int StreetGrid::Cols() { return static_cast<int>((kMaxLon - kMinLon) / LonStep()); }

Result<std::vector<std::string>> SyntheticHistory::Vehicles() const {
  std::vector<std::string> out;
  char buf[16];
  for (int v = 0; v < spec_.vehicles; ++v) {
    std::snprintf(buf, sizeof buf, "v%04d", v);
    out.push_back(buf);
  }
  return out;
}

Result<std::vector<int64_t>> SyntheticHistory::Days(const std::string&) const {
  std::vector<int64_t> out;
  for (int d = 0; d < spec_.days; ++d) out.push_back(spec_.first_day + d);
  return out;
}

Status SyntheticHistory::ReadDay(const std::string& vehicle, int64_t day,
                                 std::vector<coverage::HistoryFix>* out) const {
  const int v = std::atoi(vehicle.c_str() + 1);
  const int rows = StreetGrid::Rows(), cols = StreetGrid::Cols();
  // Home district: fixed per vehicle.
  Rng home{spec_.seed * 1'000'003ULL + static_cast<uint64_t>(v)};
  const int home_r = 5 + home.Int(rows - 10), home_c = 5 + home.Int(cols - 10);
  const int radius = 8;  // blocks (≈ 1.2 km)
  Rng rng{(spec_.seed * 7919ULL + static_cast<uint64_t>(v)) * 100'003ULL + static_cast<uint64_t>(day)};
  const double lat_step = StreetGrid::LatStep(), lon_step = StreetGrid::LonStep();
  const double kx = kMPerDeg * std::cos(kMidLat * M_PI / 180);
  // State: at intersection (r, c) heading to (r + dr, c + dc), `along` metres travelled.
  int r = home_r + rng.Int(5) - 2, c = home_c + rng.Int(5) - 2, dr = 0, dc = 1;
  double along = 0, speed = 8 + rng.Uniform() * 6;
  int stop_left = 0;
  const int64_t n = static_cast<int64_t>(spec_.hours * 3600);
  TimeMs t = day * coverage::kDayMs + 6 * 3'600'000 + static_cast<TimeMs>(rng.Int(7200)) * 1000;
  out->clear();
  out->reserve(n);
  for (int64_t i = 0; i < n; ++i, t += 1000) {
    if (stop_left > 0) {
      --stop_left;
    } else {
      along += speed;
      while (along >= StreetGrid::kBlockM) {
        along -= StreetGrid::kBlockM;
        r += dr;
        c += dc;
        // At the intersection: maybe stop, maybe turn; head back home when too far.
        if (rng.Uniform() < 0.15) stop_left = 5 + rng.Int(40);
        int choice = rng.Int(4);
        if (std::abs(r - home_r) > radius) choice = 10, dr = r > home_r ? -1 : 1, dc = 0;
        else if (std::abs(c - home_c) > radius) choice = 10, dc = c > home_c ? -1 : 1, dr = 0;
        if (choice == 1) std::swap(dr, dc), dc = -dc;       // left
        else if (choice == 2) std::swap(dr, dc), dr = -dr;  // right
        if (r + dr < 0 || r + dr > rows || c + dc < 0 || c + dc > cols) dr = -dr, dc = -dc;
        speed = 5.5 + rng.Uniform() * 8.5;  // 20–50 km/h
      }
    }
    double lat = StreetGrid::kMinLat + (r + dr * along / StreetGrid::kBlockM) * lat_step;
    double lon = StreetGrid::kMinLon + (c + dc * along / StreetGrid::kBlockM) * lon_step;
    lat += rng.Normal() * spec_.noise_m / kMPerDeg;
    lon += rng.Normal() * spec_.noise_m / kx;
    out->push_back({t, {lat, lon}});
  }
  if (spec_.through_codec) {
    std::string bytes = coverage::EncodeFixes(*out);
    encoded_bytes_.fetch_add(static_cast<int64_t>(bytes.size()));
    return coverage::DecodeFixes(bytes, out);
  }
  return Status::Ok();
}

std::vector<std::pair<std::string, geo::Geofence>> MakeSites(int n, uint32_t seed) {
  Rng rng{seed * 31ULL + 7};
  const double lat_step = StreetGrid::LatStep(), lon_step = StreetGrid::LonStep();
  const double kx = kMPerDeg * std::cos(kMidLat * M_PI / 180);
  std::vector<std::pair<std::string, geo::Geofence>> out;
  char id[24];
  while (static_cast<int>(out.size()) < n) {
    // A point on a random street.
    int r = rng.Int(StreetGrid::Rows()), c = rng.Int(StreetGrid::Cols());
    double f = rng.Uniform();
    bool horizontal = rng.Uniform() < 0.5;
    geo::LatLon p{StreetGrid::kMinLat + (r + (horizontal ? 0 : f)) * lat_step,
                  StreetGrid::kMinLon + (c + (horizontal ? f : 0)) * lon_step};
    std::snprintf(id, sizeof id, "site-%05zu", out.size());
    if (rng.Uniform() < 0.7) {
      out.emplace_back(id, geo::Geofence::Circle(p, 10 + rng.Uniform() * 40));
      continue;
    }
    int k = 8 + rng.Int(25);
    double rad = 15 + rng.Uniform() * 45;
    Json ring = Json::array();
    for (int i = 0; i < k; ++i) {
      double a = 2 * M_PI * i / k;
      double rr = rad * (0.7 + 0.3 * rng.Uniform());
      ring.push_back({p.lon + rr * std::cos(a) / kx, p.lat + rr * std::sin(a) / kMPerDeg});
    }
    ring.push_back(ring[0]);
    Json g{{"type", "Polygon"}, {"coordinates", Json::array({ring})}};
    auto fence = geo::Geofence::FromGeoJson(g, "area");
    if (fence.ok()) out.emplace_back(id, *fence);
  }
  return out;
}

coverage::StreetNetwork MakeNetwork() {
  coverage::StreetNetwork net;
  const double lat_step = StreetGrid::LatStep(), lon_step = StreetGrid::LonStep();
  const double off_lat = 8 / kMPerDeg;
  const int rows = StreetGrid::Rows(), cols = StreetGrid::Cols();
  for (int r = 0; r <= rows; ++r) {
    for (int c = 0; c <= cols; ++c) {
      geo::LatLon p{StreetGrid::kMinLat + r * lat_step, StreetGrid::kMinLon + c * lon_step};
      geo::LatLon e{p.lat, p.lon + lon_step}, s{p.lat + lat_step, p.lon};
      if (c < cols) {
        net.Add({p, e, coverage::LaneKind::kRoadway});
        if (r % 3 == 0) {
          net.Add({{p.lat + off_lat, p.lon}, {e.lat + off_lat, e.lon}, coverage::LaneKind::kCycleTrack});
        }
      }
      if (r < rows) net.Add({p, s, coverage::LaneKind::kRoadway});
    }
  }
  net.Build();
  return net;
}

}  // namespace tilsyn::bench
