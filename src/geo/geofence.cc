#include "geo/geofence.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "geo/local_projection.h"

namespace tilsyn::geo {
namespace {

constexpr double kMaxRadiusM = 100'000;  // a fence is a site, not a country
// A site needs tens of vertices, a detailed block a few thousand; 100,000 took 22 s to validate.
constexpr size_t kMaxVertices = 10'000;

Status TooManyVertices(size_t n, const std::string& path) {
  return Status::InvalidArgument("too many vertices (" + std::to_string(n) + "; at most " +
                                     std::to_string(kMaxVertices) + ")",
                                 path);
}

std::string Idx(std::string_view path, size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

Result<LatLon> ParsePosition(const Json& pos, const std::string& path) {
  if (!pos.is_array() || pos.size() < 2 || !pos[0].is_number() || !pos[1].is_number()) {
    return Status::InvalidArgument("a position must be [longitude, latitude]", path);
  }
  double lon = pos[0].get<double>(), lat = pos[1].get<double>();
  if (!std::isfinite(lon) || lon < -180 || lon > 180) {
    return Status::InvalidArgument("longitude must be within -180..180", path);
  }
  if (!std::isfinite(lat) || lat < -90 || lat > 90) {
    return Status::InvalidArgument("latitude must be within -90..90", path);
  }
  return LatLon{lat, lon};
}

Result<std::vector<LatLon>> ParsePositions(const Json& arr, const std::string& path) {
  if (!arr.is_array()) return Status::InvalidArgument("must be an array of positions", path);
  std::vector<LatLon> out;
  for (size_t i = 0; i < arr.size(); ++i) {
    TILSYN_ASSIGN_OR_RETURN(LatLon p, ParsePosition(arr[i], Idx(path, i)));
    out.push_back(p);
  }
  return out;
}

bool PointInRing(XY p, const std::vector<XY>& ring) {
  bool in = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const XY& a = ring[i];
    const XY& b = ring[j];
    if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) in = !in;
  }
  return in;
}

double RingDistance(XY p, const std::vector<XY>& ring) {
  double best = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i + 1 < ring.size(); ++i) best = std::min(best, SegmentDistance(p, ring[i], ring[i + 1]));
  return best;
}

std::vector<XY> Project(const LocalProjection& proj, const std::vector<LatLon>& pts) {
  std::vector<XY> out;
  out.reserve(pts.size());
  for (const LatLon& p : pts) out.push_back(proj.ToXY(p));
  return out;
}

// Segments i and j of a closed ring are adjacent when they share a vertex.
bool RingSelfIntersects(const std::vector<XY>& r) {
  size_t n = r.size() - 1;  // segments
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      if (j == i + 1 || (i == 0 && j == n - 1)) continue;
      if (SegmentsIntersect(r[i], r[i + 1], r[j], r[j + 1])) return true;
    }
  }
  return false;
}

double RingArea(const std::vector<XY>& r) {
  double a = 0;
  for (size_t i = 0; i + 1 < r.size(); ++i) a += r[i].x * r[i + 1].y - r[i + 1].x * r[i].y;
  return a / 2;
}

}  // namespace

Geofence Geofence::Circle(LatLon center, double radius_m) {
  Geofence g;
  g.kind_ = Kind::kCircle;
  g.origin_ = center;
  g.radius_m_ = radius_m;
  g.ComputeBBox();
  return g;
}

Result<Geofence> Geofence::FromGeoJson(const Json& geom, std::string_view path_sv) {
  std::string path(path_sv);
  if (!geom.is_object()) return Status::InvalidArgument("must be a GeoJSON geometry object", path);
  TILSYN_ASSIGN_OR_RETURN(std::string type, GetString(geom, "type", JoinPath(path, "type")));
  if (!geom.contains("coordinates")) {
    return Status::InvalidArgument("required field is missing", JoinPath(path, "coordinates"));
  }
  const Json& coords = geom["coordinates"];
  std::string cpath = JoinPath(path, "coordinates");
  Geofence g;
  if (type == "Point") {
    TILSYN_ASSIGN_OR_RETURN(LatLon c, ParsePosition(coords, cpath));
    TILSYN_ASSIGN_OR_RETURN(double r, GetNumber(geom, "radius_m", JoinPath(path, "radius_m")));
    if (!(r > 0) || r > kMaxRadiusM) {
      return Status::InvalidArgument("radius_m must be > 0 and at most 100000",
                                     JoinPath(path, "radius_m"));
    }
    return Circle(c, r);
  }
  if (type == "LineString") {
    g.kind_ = Kind::kCorridor;
    if (coords.is_array() && coords.size() > kMaxVertices) return TooManyVertices(coords.size(), cpath);
    TILSYN_ASSIGN_OR_RETURN(g.line_, ParsePositions(coords, cpath));
    if (g.line_.size() < 2) return Status::InvalidArgument("a LineString needs at least 2 positions", cpath);
    TILSYN_ASSIGN_OR_RETURN(double b, GetNumber(geom, "buffer_m", JoinPath(path, "buffer_m")));
    if (!(b > 0) || b > kMaxRadiusM) {
      return Status::InvalidArgument("buffer_m must be > 0 and at most 100000",
                                     JoinPath(path, "buffer_m"));
    }
    g.radius_m_ = b;
    g.origin_ = g.line_[0];
    g.ComputeBBox();
    return g;
  }
  if (type == "Polygon") {
    g.kind_ = Kind::kPolygon;
    if (!coords.is_array() || coords.empty()) {
      return Status::InvalidArgument("a Polygon needs at least one ring", cpath);
    }
    size_t vertices = 0;
    for (const Json& ring : coords) vertices += ring.is_array() ? ring.size() : 0;
    if (vertices > kMaxVertices) return TooManyVertices(vertices, cpath);
    for (size_t i = 0; i < coords.size(); ++i) {
      std::string rpath = Idx(cpath, i);
      TILSYN_ASSIGN_OR_RETURN(auto ring, ParsePositions(coords[i], rpath));
      if (ring.size() < 4) return Status::InvalidArgument("a ring needs at least 4 positions", rpath);
      if (ring.front().lat != ring.back().lat || ring.front().lon != ring.back().lon) {
        return Status::InvalidArgument("a ring must be closed (last position = first)", rpath);
      }
      g.rings_.push_back(std::move(ring));
    }
    g.origin_ = g.rings_[0][0];
    LocalProjection proj(g.origin_);
    std::vector<std::vector<XY>> xy;
    for (size_t i = 0; i < g.rings_.size(); ++i) {
      xy.push_back(Project(proj, g.rings_[i]));
      if (RingSelfIntersects(xy.back())) {
        return Status::InvalidArgument("the polygon ring intersects itself", Idx(cpath, i));
      }
      if (std::fabs(RingArea(xy.back())) < 1e-6) {
        return Status::InvalidArgument("a ring must enclose an area", Idx(cpath, i));
      }
    }
    for (size_t i = 1; i < xy.size(); ++i) {
      for (const XY& p : xy[i]) {
        if (!PointInRing(p, xy[0]) && RingDistance(p, xy[0]) > kBoundaryEpsM) {
          return Status::InvalidArgument("a hole must lie inside the outer ring", Idx(cpath, i));
        }
      }
    }
    g.ComputeBBox();
    return g;
  }
  return Status::InvalidArgument("type must be Point, Polygon or LineString", JoinPath(path, "type"));
}

void Geofence::ComputeBBox() {
  auto grow = [this](LatLon p) {
    bbox_.min_lat = std::min(bbox_.min_lat, p.lat);
    bbox_.max_lat = std::max(bbox_.max_lat, p.lat);
    bbox_.min_lon = std::min(bbox_.min_lon, p.lon);
    bbox_.max_lon = std::max(bbox_.max_lon, p.lon);
  };
  bbox_ = {origin_.lat, origin_.lon, origin_.lat, origin_.lon};
  for (const auto& r : rings_) for (LatLon p : r) grow(p);
  for (LatLon p : line_) grow(p);
  // Pad by the radius (plus a margin for the projection) in degrees.
  double pad_m = radius_m_ + 1.0;
  double dlat = pad_m / 111'000.0;
  double coslat = std::max(0.01, std::cos(origin_.lat * M_PI / 180.0));
  double dlon = pad_m / (111'000.0 * coslat);
  bbox_.min_lat -= dlat;
  bbox_.max_lat += dlat;
  bbox_.min_lon -= dlon;
  bbox_.max_lon += dlon;
}

double Geofence::DistanceM(LatLon p) const {
  LocalProjection proj(origin_);
  XY q = proj.ToXY(p);
  switch (kind_) {
    case Kind::kCircle: {
      double d = std::sqrt(q.x * q.x + q.y * q.y);
      return std::max(0.0, d - radius_m_);
    }
    case Kind::kCorridor: {
      std::vector<XY> l = Project(proj, line_);
      double best = std::numeric_limits<double>::infinity();
      for (size_t i = 0; i + 1 < l.size(); ++i) best = std::min(best, SegmentDistance(q, l[i], l[i + 1]));
      return std::max(0.0, best - radius_m_);
    }
    case Kind::kPolygon: {
      std::vector<XY> outer = Project(proj, rings_[0]);
      double edge = RingDistance(q, outer);
      bool inside = PointInRing(q, outer);
      for (size_t i = 1; i < rings_.size(); ++i) {
        std::vector<XY> hole = Project(proj, rings_[i]);
        double he = RingDistance(q, hole);
        edge = std::min(edge, he);
        if (PointInRing(q, hole) && he > kBoundaryEpsM) inside = false;
      }
      if (edge <= kBoundaryEpsM) return 0;
      return inside ? 0 : edge;
    }
  }
  return 0;
}

bool Geofence::Contains(LatLon p) const {
  if (!bbox_.Contains(p)) return false;
  return DistanceM(p) <= kBoundaryEpsM;
}

Json Geofence::ToGeoJson() const {
  auto pos = [](LatLon p) { return Json::array({p.lon, p.lat}); };
  Json g;
  switch (kind_) {
    case Kind::kCircle:
      g = {{"type", "Point"}, {"coordinates", pos(origin_)}, {"radius_m", radius_m_}};
      break;
    case Kind::kCorridor: {
      Json c = Json::array();
      for (LatLon p : line_) c.push_back(pos(p));
      g = {{"type", "LineString"}, {"coordinates", c}, {"buffer_m", radius_m_}};
      break;
    }
    case Kind::kPolygon: {
      Json rings = Json::array();
      for (const auto& r : rings_) {
        Json c = Json::array();
        for (LatLon p : r) c.push_back(pos(p));
        rings.push_back(c);
      }
      g = {{"type", "Polygon"}, {"coordinates", rings}};
      break;
    }
  }
  return g;
}

LatLon Geofence::Anchor() const {
  if (kind_ == Kind::kCircle) return origin_;
  if (kind_ == Kind::kCorridor) return line_[line_.size() / 2];
  LatLon sum{0, 0};
  size_t n = rings_[0].size() - 1;
  for (size_t i = 0; i < n; ++i) {
    sum.lat += rings_[0][i].lat;
    sum.lon += rings_[0][i].lon;
  }
  return {sum.lat / n, sum.lon / n};
}

}  // namespace tilsyn::geo
