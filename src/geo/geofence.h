// Geofence: the area a task watches, in WGS84 — a circle (GeoJSON Point + radius_m), a polygon
// with optional holes (GeoJSON Polygon), or a corridor (GeoJSON LineString + buffer_m).
// Containment is computed in a local metric projection centred on the fence, exact enough for
// city-sized areas. Immutable after parsing; safe to share between threads.
#pragma once

#include <string_view>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "geo/latlon.h"

namespace tilsyn::geo {

struct BBox {
  double min_lat = 0, min_lon = 0, max_lat = 0, max_lon = 0;
  bool Contains(LatLon p) const {
    return p.lat >= min_lat && p.lat <= max_lat && p.lon >= min_lon && p.lon <= max_lon;
  }
};

class Geofence {
 public:
  enum class Kind { kCircle, kPolygon, kCorridor };

  // Parses and validates a GeoJSON geometry object with the extra radius_m / buffer_m member.
  // Errors name the field below `path` (e.g. "area.coordinates[0][3]").
  static Result<Geofence> FromGeoJson(const Json& geometry, std::string_view path);
  static Geofence Circle(LatLon center, double radius_m);

  // True when `p` lies inside or on the boundary (holes excluded).
  bool Contains(LatLon p) const;
  // Distance in metres from `p` to the area (0 inside).
  double DistanceM(LatLon p) const;
  // The GeoJSON geometry this was parsed from (normalised).
  Json ToGeoJson() const;
  // A box that contains the whole area.
  const BBox& bbox() const { return bbox_; }
  Kind kind() const { return kind_; }
  // A representative point (circle centre, polygon vertex average, corridor midpoint).
  LatLon Anchor() const;

  // Raw geometry, for compiled forms (geo/compiled_fence.h). The projection origin is the circle
  // centre, the first polygon vertex or the first corridor vertex.
  LatLon origin() const { return origin_; }
  double radius_m() const { return radius_m_; }  // circle radius or corridor half-width
  const std::vector<std::vector<LatLon>>& rings() const { return rings_; }
  const std::vector<LatLon>& line() const { return line_; }
  // Points this close (metres) to the boundary count as inside.
  static constexpr double kBoundaryEpsM = 1e-6;

 private:
  Kind kind_ = Kind::kCircle;
  LatLon origin_;                           // projection origin
  double radius_m_ = 0;                     // circle radius or corridor half-width
  std::vector<std::vector<LatLon>> rings_;  // polygon: outer ring then holes (closed)
  std::vector<LatLon> line_;                // corridor centre line
  BBox bbox_;
  void ComputeBBox();
};

}  // namespace tilsyn::geo
