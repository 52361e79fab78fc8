#include "geo/latlon.h"

#include <cmath>

namespace tilsyn::geo {
namespace {
constexpr double kEarthRadiusM = 6371008.8;
constexpr double kDeg = M_PI / 180.0;
}  // namespace

double DistanceM(LatLon a, LatLon b) {
  double dlat = (b.lat - a.lat) * kDeg, dlon = (b.lon - a.lon) * kDeg;
  double s = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(a.lat * kDeg) * std::cos(b.lat * kDeg) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(s)));
}

double BearingDeg(LatLon a, LatLon b) {
  double y = std::sin((b.lon - a.lon) * kDeg) * std::cos(b.lat * kDeg);
  double x = std::cos(a.lat * kDeg) * std::sin(b.lat * kDeg) -
             std::sin(a.lat * kDeg) * std::cos(b.lat * kDeg) * std::cos((b.lon - a.lon) * kDeg);
  double deg = std::atan2(y, x) / kDeg;
  return std::fmod(deg + 360.0, 360.0);
}

LatLon Offset(LatLon from, double bearing_deg, double dist_m) {
  double d = dist_m / kEarthRadiusM, th = bearing_deg * kDeg;
  double lat1 = from.lat * kDeg, lon1 = from.lon * kDeg;
  double lat2 = std::asin(std::sin(lat1) * std::cos(d) + std::cos(lat1) * std::sin(d) * std::cos(th));
  double lon2 = lon1 + std::atan2(std::sin(th) * std::sin(d) * std::cos(lat1),
                                  std::cos(d) - std::sin(lat1) * std::sin(lat2));
  return {lat2 / kDeg, std::remainder(lon2 / kDeg, 360.0)};
}

double HeadingDiffDeg(double a, double b) {
  double d = std::fmod(std::fabs(a - b), 360.0);
  return d > 180 ? 360 - d : d;
}

}  // namespace tilsyn::geo
