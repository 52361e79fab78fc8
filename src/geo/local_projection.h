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
// True when open or closed segments ab and cd intersect (touching counts).
bool SegmentsIntersect(XY a, XY b, XY c, XY d);

}  // namespace tilsyn::geo
