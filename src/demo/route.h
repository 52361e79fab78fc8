// Synthetic drives for the demo and tests: a street grid placed in a city, routes along its
// streets, and 1 Hz GPS fixes sampled along a route at a given speed with optional noise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "geo/latlon.h"

namespace tilsyn::demo {

struct Fix {
  TimeMs time = 0;
  geo::LatLon pos;
  double speed_kmh = 0;
  double heading_deg = 0;
};

// A grid of streets every `block_m` metres east and north of `origin` (its south-west corner).
class StreetGrid {
 public:
  StreetGrid(geo::LatLon origin, double block_m) : origin_(origin), block_m_(block_m) {}
  // The crossing of avenue `i` (west→east index) and street `j` (south→north index).
  geo::LatLon Node(double i, double j) const;

 private:
  geo::LatLon origin_;
  double block_m_;
};

// Fixes every second along the polyline `waypoints` at `speed_kmh`, starting at `start`, with
// Gaussian position noise of `noise_m` (deterministic for a given `seed`). The vehicle stops for
// `dwell_s` seconds at each waypoint index listed in `stops`.
std::vector<Fix> SampleRoute(const std::vector<geo::LatLon>& waypoints, double speed_kmh,
                             TimeMs start, double noise_m, uint32_t seed,
                             const std::vector<size_t>& stops = {}, int dwell_s = 0);

// Writes fixes as NMEA 0183 ($GPRMC + $GPGGA per fix, with checksums).
Status WriteNmea(const std::string& path, const std::vector<Fix>& fixes);
// Writes fixes as a GPX 1.1 track.
Status WriteGpx(const std::string& path, const std::vector<Fix>& fixes);

}  // namespace tilsyn::demo
