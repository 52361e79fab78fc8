// WGS84 coordinates. GeoJSON order is [lon, lat]; this struct names both to avoid mix-ups.
#pragma once

namespace tilsyn::geo {

struct LatLon {
  double lat = 0;  // degrees, -90 … 90
  double lon = 0;  // degrees, -180 … 180
};

// Great-circle distance in metres (haversine, mean Earth radius).
double DistanceM(LatLon a, LatLon b);
// Initial bearing from a to b in degrees, 0 = north, clockwise, in [0, 360).
double BearingDeg(LatLon a, LatLon b);
// The point `dist_m` metres from `from` along bearing `bearing_deg`.
LatLon Offset(LatLon from, double bearing_deg, double dist_m);
// Smallest absolute difference between two headings, in [0, 180].
double HeadingDiffDeg(double a, double b);

}  // namespace tilsyn::geo
