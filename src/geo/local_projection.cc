#include "geo/local_projection.h"

#include <algorithm>

namespace tilsyn::geo {

double SegmentDistance(XY p, XY a, XY b) {
  double dx = b.x - a.x, dy = b.y - a.y;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  double qx = a.x + t * dx - p.x, qy = a.y + t * dy - p.y;
  return std::sqrt(qx * qx + qy * qy);
}

namespace {
double Cross(XY o, XY a, XY b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }
bool OnSegment(XY p, XY a, XY b) {
  return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
         p.y <= std::max(a.y, b.y);
}
int Sign(double v) { return v > 1e-12 ? 1 : (v < -1e-12 ? -1 : 0); }
}  // namespace

bool SegmentsIntersect(XY a, XY b, XY c, XY d) {
  int d1 = Sign(Cross(c, d, a)), d2 = Sign(Cross(c, d, b));
  int d3 = Sign(Cross(a, b, c)), d4 = Sign(Cross(a, b, d));
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  if (d1 == 0 && OnSegment(a, c, d)) return true;
  if (d2 == 0 && OnSegment(b, c, d)) return true;
  if (d3 == 0 && OnSegment(c, a, b)) return true;
  if (d4 == 0 && OnSegment(d, a, b)) return true;
  return false;
}

}  // namespace tilsyn::geo
