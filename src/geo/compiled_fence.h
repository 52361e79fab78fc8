// CompiledFence: a Geofence prepared for fast, allocation-free containment tests — geometry
// projected once into the fence's local metric frame (the same frame as Geofence::Contains, so
// results agree), polygon edges bucketed into horizontal strips so a test touches only the few
// edges near the point's latitude (edge-crossing parity over all rings; a point within
// Geofence::kBoundaryEpsM of any edge counts as inside). Immutable after Compile; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "geo/fence_filter.h"
#include "geo/geofence.h"
#include "geo/local_projection.h"

namespace tilsyn::geo {

class CompiledFence {
 public:
  static std::shared_ptr<const CompiledFence> Compile(std::string id, const Geofence& fence,
                                                      FenceFilter filter = {});

  // Same answer as Geofence::Contains (up to rounding exactly on the boundary).
  bool Contains(LatLon p) const {
    if (!bbox_.Contains(p)) return false;
    return ContainsInBox(p);
  }
  // Contains() without the bounding-box check (callers that tested it already).
  bool ContainsInBox(LatLon p) const;

  const std::string& id() const { return id_; }
  const Geofence& fence() const { return fence_; }
  const FenceFilter& filter() const { return filter_; }
  bool trivial_filter() const { return trivial_filter_; }
  Geofence::Kind kind() const { return kind_; }
  const BBox& bbox() const { return bbox_; }
  LatLon origin() const { return origin_; }
  double kx() const { return kx_; }
  double ky() const { return ky_; }
  // (radius + boundary epsilon)², circles and corridors.
  double reach2() const { return reach2_; }
  // Metres per degree of latitude of the local projection.
  static constexpr double kMetresPerDegLat = 6371008.8 * M_PI / 180.0;

 private:
  struct Edge {
    double ax, ay, bx, by;
  };
  // Hot fields first (one or two cache lines per test); the cold copies follow.
  Geofence::Kind kind_ = Geofence::Kind::kCircle;
  int nstrips_ = 0;
  LatLon origin_;
  double kx_ = 0, ky_ = kMetresPerDegLat;
  double reach2_ = 0;
  // Polygons: strips of height 1/inv_h_ from y0_, strip i's edges are
  // edges_[strip_start_[i] .. strip_start_[i+1]). Corridors: edges_ is the centre line.
  double y0_ = 0, inv_h_ = 0;
  std::vector<uint32_t> strip_start_;
  std::vector<Edge> edges_;
  BBox bbox_;
  bool trivial_filter_ = true;
  std::string id_;
  Geofence fence_;
  FenceFilter filter_;
};

}  // namespace tilsyn::geo
