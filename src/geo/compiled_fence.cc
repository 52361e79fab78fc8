#include "geo/compiled_fence.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "geo/local_projection.h"

namespace tilsyn::geo {
namespace {
constexpr double kEps = Geofence::kBoundaryEpsM;

}  // namespace

std::shared_ptr<const CompiledFence> CompiledFence::Compile(std::string id, const Geofence& fence,
                                                            FenceFilter filter) {
  auto c = std::make_shared<CompiledFence>();
  c->id_ = std::move(id);
  c->fence_ = fence;
  c->trivial_filter_ = filter.Trivial();
  c->filter_ = std::move(filter);
  c->kind_ = fence.kind();
  c->bbox_ = fence.bbox();
  c->origin_ = fence.origin();
  c->kx_ = kMetresPerDegLat * std::cos(c->origin_.lat * M_PI / 180.0);
  double reach = fence.radius_m() + kEps;
  c->reach2_ = reach * reach;
  LocalProjection proj(c->origin_);
  if (c->kind_ == Geofence::Kind::kCorridor) {
    const auto& line = fence.line();
    for (size_t i = 0; i + 1 < line.size(); ++i) {
      XY a = proj.ToXY(line[i]), b = proj.ToXY(line[i + 1]);
      c->edges_.push_back({a.x, a.y, b.x, b.y});
    }
  } else if (c->kind_ == Geofence::Kind::kPolygon) {
    std::vector<Edge> all;
    double ymin = INFINITY, ymax = -INFINITY;
    for (const auto& ring : fence.rings()) {
      for (size_t i = 0; i + 1 < ring.size(); ++i) {
        XY a = proj.ToXY(ring[i]), b = proj.ToXY(ring[i + 1]);
        all.push_back({a.x, a.y, b.x, b.y});
        ymin = std::min({ymin, a.y, b.y});
        ymax = std::max({ymax, a.y, b.y});
      }
    }
    // Each edge is listed in every strip its y-range (padded by the boundary epsilon) touches, so
    // a strip holds every edge that can decide a point in it. The strip height is the mean edge
    // y-span, so the copies stay about two per edge even for jagged polygons.
    double span = 0;
    for (const Edge& e : all) span += std::fabs(e.ay - e.by);
    double h = std::max({span / all.size(), (ymax - ymin) / 4096, 1e-9});
    int n = std::clamp(static_cast<int>(std::ceil((ymax - ymin) / h)), 1, 4096);
    const double inv_h = 1.0 / h;  // the query maps y to a strip with this same expression
    auto strip_of = [&](double y) {
      return std::clamp(static_cast<int>(std::floor((y - ymin) * inv_h)), 0, n - 1);
    };
    std::vector<std::vector<Edge>> strips(n);
    for (const Edge& e : all) {
      int s0 = strip_of(std::min(e.ay, e.by) - kEps), s1 = strip_of(std::max(e.ay, e.by) + kEps);
      for (int s = s0; s <= s1; ++s) strips[s].push_back(e);
    }
    size_t nedges = 0;
    for (const auto& s : strips) nedges += s.size();
    // Layout: header, strip table (n + 1 uint32), padding to 8 bytes, edges.
    size_t edges_off = (sizeof(PolyBlock) + (n + 1) * sizeof(uint32_t) + 7) / 8 * 8;
    size_t bytes = edges_off + nedges * sizeof(Edge);
    c->block_.assign((bytes + 7) / 8, 0);
    auto* base = reinterpret_cast<unsigned char*>(c->block_.data());
    PolyBlock hdr{c->origin_.lat, c->origin_.lon, c->kx_, c->ky_, ymin, inv_h,
                  static_cast<uint32_t>(n), static_cast<uint32_t>(edges_off)};
    std::memcpy(base, &hdr, sizeof hdr);
    std::vector<uint32_t> starts(1, 0);
    std::vector<Edge> flat;
    flat.reserve(nedges);
    for (const auto& s : strips) {
      flat.insert(flat.end(), s.begin(), s.end());
      starts.push_back(static_cast<uint32_t>(flat.size()));
    }
    std::memcpy(base + sizeof(PolyBlock), starts.data(), starts.size() * sizeof(uint32_t));
    std::memcpy(base + edges_off, flat.data(), flat.size() * sizeof(Edge));
  }
  return c;
}

bool PolyBlock::Contains(LatLon p) const {
  struct E {
    double ax, ay, bx, by;
  };
  const double x = (p.lon - olon) * kx, y = (p.lat - olat) * ky;
  // The strip is found from the point's y; points beyond the padded extent are outside.
  double fs = std::floor((y - y0) * inv_h);
  uint32_t s = fs < 0 ? 0 : (fs >= nstrips ? nstrips - 1 : static_cast<uint32_t>(fs));
  const auto* base = reinterpret_cast<const unsigned char*>(this);
  const auto* starts = reinterpret_cast<const uint32_t*>(base + sizeof(PolyBlock));
  const E* edges = reinterpret_cast<const E*>(base + edges_off);
  const E* b = edges + starts[s];
  const E* e = edges + starts[s + 1];
  // One pass: crossing parity, and whether the point is within the boundary epsilon of an edge
  // (the exact distance is computed only inside the edge's box padded by twice the epsilon,
  // which contains every point the exact test can accept).
  bool in = false, near = false;
  constexpr double kEps2 = kEps * kEps, kPad = 2 * kEps;
  for (const E* it = b; it != e; ++it) {
    if ((it->ay > y) != (it->by > y) &&
        x < (it->bx - it->ax) * (y - it->ay) / (it->by - it->ay) + it->ax) {
      in = !in;
    }
    if (!near && x >= std::min(it->ax, it->bx) - kPad && x <= std::max(it->ax, it->bx) + kPad &&
        y >= std::min(it->ay, it->by) - kPad && y <= std::max(it->ay, it->by) + kPad &&
        SegmentDistance2(x, y, it->ax, it->ay, it->bx, it->by) <= kEps2) {
      near = true;
    }
  }
  return in || near;
}

bool CompiledFence::ContainsInBox(LatLon p) const {
  double x = (p.lon - origin_.lon) * kx_, y = (p.lat - origin_.lat) * ky_;
  switch (kind_) {
    case Geofence::Kind::kCircle:
      return x * x + y * y <= reach2_;
    case Geofence::Kind::kCorridor: {
      for (const Edge& e : edges_) {
        if (SegmentDistance2(x, y, e.ax, e.ay, e.bx, e.by) <= reach2_) return true;
      }
      return false;
    }
    case Geofence::Kind::kPolygon:
      return poly_block()->Contains(p);
  }
  return false;
}

}  // namespace tilsyn::geo
