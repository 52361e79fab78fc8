// CompiledFence: a Geofence prepared for fast, allocation-free containment tests — geometry
// projected once into the fence's local metric frame (the same frame as Geofence::Contains, so
// results agree), polygon edges bucketed into horizontal strips so a test touches only the few
// edges near the point's latitude (edge-crossing parity over all rings; a point within
// Geofence::kBoundaryEpsM of any edge counts as inside). A polygon's test data (frame, strip
// table, edges) is ONE contiguous block (PolyBlock), so a test costs about one cache miss plus the
// strip's edges; indexes keep a pointer to the block next to their candidates.
// Immutable after Compile; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "geo/fence_filter.h"
#include "geo/geofence.h"
#include "geo/local_projection.h"

namespace tilsyn::geo {

// Header of a polygon's contiguous test block; the strip table (nstrips + 1 uint32 offsets into
// the edges) follows it directly, the edges (4 doubles each) start at byte `edges_off`.
struct PolyBlock {
  double olat, olon, kx, ky;  // the fence's local projection
  double y0, inv_h;           // strip i covers y in [y0 + i/inv_h, y0 + (i+1)/inv_h)
  uint32_t nstrips, edges_off;
  // Same answer as CompiledFence::ContainsInBox for the fence this block was built from.
  bool Contains(LatLon p) const;
};

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
  // Polygons: the contiguous test block (valid as long as this fence lives); null otherwise.
  const PolyBlock* poly_block() const {
    return block_.empty() ? nullptr : reinterpret_cast<const PolyBlock*>(block_.data());
  }
  // Metres per degree of latitude of the local projection.
  static constexpr double kMetresPerDegLat = 6371008.8 * M_PI / 180.0;

 private:
  struct Edge {
    double ax, ay, bx, by;
  };
  // Hot fields first (one or two cache lines per test); the cold copies follow.
  Geofence::Kind kind_ = Geofence::Kind::kCircle;
  LatLon origin_;
  double kx_ = 0, ky_ = kMetresPerDegLat;
  double reach2_ = 0;
  // Polygons: PolyBlock + strip table + edges, in 8-byte words (aligned for the doubles).
  std::vector<uint64_t> block_;
  // Corridors: the centre line's segments.
  std::vector<Edge> edges_;
  BBox bbox_;
  bool trivial_filter_ = true;
  std::string id_;
  Geofence fence_;
  FenceFilter filter_;
};

}  // namespace tilsyn::geo
