// The bench-geo workload: fences and GPS points over Copenhagen's bounding box, generated
// deterministically from a seed. Fences: 70% circles (10–50 m), 29% polygons (8–32 vertices,
// 15–60 m), 1% large polygons (200–1000 vertices, 100–400 m, every tenth with a hole); vertices at rising angles
// (star-shaped, so always simple): 0.8–1.0 of the radius for small polygons, a smooth wobble plus
// one vertex spacing of jitter for large ones.
// Points: `vehicles` vehicles at 1 Hz driving a 100 m street grid at 8–14 m/s with 5 m Gaussian
// noise per axis, in trace order (vehicle by vehicle, time ascending). Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "geo/geofence.h"

namespace tilsyn::bench {

struct Workload {
  std::vector<std::pair<std::string, geo::Geofence>> fences;  // id = decimal index
  std::vector<geo::LatLon> points;                            // trace order
};

Workload MakeWorkload(int fences, int points, int vehicles, uint64_t seed);
// Geographic bounding box of the workload.
constexpr double kMinLat = 55.615, kMaxLat = 55.730, kMinLon = 12.450, kMaxLon = 12.650;

}  // namespace tilsyn::bench
