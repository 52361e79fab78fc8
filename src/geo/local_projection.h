// LocalProjection: an equirectangular projection to metres around an origin, exact to well under
// a millimetre per metre over a city-sized area. Used for containment and distances of fences.
#pragma once

#include <cmath>

#include "geo/latlon.h"

namespace tilsyn::geo {

struct XY {
  double x = 0, y = 0;  // metres east, north of the origin
};

class LocalProjection {
 public:
  explicit LocalProjection(LatLon origin)
      : origin_(origin), kx_(kM * std::cos(origin.lat * M_PI / 180.0)) {}
  XY ToXY(LatLon p) const { return {(p.lon - origin_.lon) * kx_, (p.lat - origin_.lat) * kM}; }
  LatLon ToLatLon(XY p) const { return {origin_.lat + p.y / kM, origin_.lon + p.x / kx_}; }

 private:
  static constexpr double kM = 6371008.8 * M_PI / 180.0;  // metres per degree of latitude
  LatLon origin_;
  double kx_;
};

// Planar helpers on projected coordinates.
double SegmentDistance(XY p, XY a, XY b);

// Squared distance from (px, py) to segment (ax, ay)-(bx, by); inline for the index's hot path.
inline double SegmentDistance2(double px, double py, double ax, double ay, double bx, double by) {
  double dx = bx - ax, dy = by - ay;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : (t > 1 ? 1 : t);
  double qx = ax + t * dx - px, qy = ay + t * dy - py;
  return qx * qx + qy * qy;
}
// True when open or closed segments ab and cd intersect (touching counts).
bool SegmentsIntersect(XY a, XY b, XY c, XY d);

}  // namespace tilsyn::geo
