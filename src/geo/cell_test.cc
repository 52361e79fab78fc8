#include "geo/cell_test.h"

#include <algorithm>
#include <cstring>

#include "geo/local_projection.h"

namespace tilsyn::geo {
namespace {
constexpr double kEps = Geofence::kBoundaryEpsM;

}  // namespace

size_t AppendCellTest(const CompiledFence& f, const std::vector<CellTestEdge>& edges, double x0,
                      double x1, double y0, double y1, HugeVector<double>* arena) {
  // Edges within `pad` of the rectangle are tested exactly: rounding of the ray crossing's x
  // (about 1e-14 m here) and the boundary epsilon stay far inside it.
  constexpr double pad = 1e-3;
  x0 -= pad, x1 += pad, y0 -= pad, y1 += pad;
  std::vector<double> breaks;
  std::vector<CellTestEdge> near;
  uint32_t base = 0;
  for (const CellTestEdge& e : edges) {
    double lo = std::min(e.ay, e.by), hi = std::max(e.ay, e.by);
    if (std::max(e.ax, e.bx) < x0) continue;  // left of every point: never crosses the ray
    if (std::min(e.ax, e.bx) > x1) {
      // Right of every point: crosses iff lo <= y < hi, i.e. [lo <= y] xor [hi <= y].
      for (double b : {lo, hi}) {
        if (b < y0) {
          base ^= 1;
        } else if (b <= y1) {
          breaks.push_back(b);
        }
      }
      continue;
    }
    if (hi < y0 || lo > y1) continue;  // never straddles a point's y, never within epsilon
    near.push_back(e);
  }
  CellTestHeader h{f.origin().lat, f.origin().lon, f.kx(), f.ky(),
                   static_cast<uint32_t>(breaks.size()), static_cast<uint32_t>(near.size()), base, 0};
  static_assert(sizeof(CellTestHeader) % sizeof(double) == 0);
  static_assert(sizeof(CellTestEdge) == 4 * sizeof(double));
  size_t at = arena->size();
  arena->resize(at + sizeof h / sizeof(double) + breaks.size() + near.size() * 4);
  unsigned char* p = reinterpret_cast<unsigned char*>(arena->data() + at);
  std::memcpy(p, &h, sizeof h);
  // memcpy from an empty vector's null data() is undefined even for 0 bytes (UBSan).
  if (!breaks.empty()) std::memcpy(p + sizeof h, breaks.data(), breaks.size() * sizeof(double));
  if (!near.empty()) {
    std::memcpy(p + sizeof h + breaks.size() * sizeof(double), near.data(),
                near.size() * sizeof(CellTestEdge));
  }
  return at;
}

bool CellTestContains(const double* block, LatLon p) {
  const auto* h = reinterpret_cast<const CellTestHeader*>(block);
  const double x = (p.lon - h->olon) * h->kx, y = (p.lat - h->olat) * h->ky;
  const double* breaks = block + sizeof(CellTestHeader) / sizeof(double);
  uint32_t in = h->base;
  for (uint32_t i = 0; i < h->nbreak; ++i) in ^= breaks[i] <= y ? 1u : 0u;
  const auto* e = reinterpret_cast<const CellTestEdge*>(breaks + h->nbreak);
  bool near = false;
  constexpr double kEps2 = kEps * kEps, kPad = 2 * kEps;
  for (const CellTestEdge* it = e; it != e + h->nnear; ++it) {
    if ((it->ay > y) != (it->by > y) &&
        x < (it->bx - it->ax) * (y - it->ay) / (it->by - it->ay) + it->ax) {
      in ^= 1;
    }
    if (!near && x >= std::min(it->ax, it->bx) - kPad && x <= std::max(it->ax, it->bx) + kPad &&
        y >= std::min(it->ay, it->by) - kPad && y <= std::max(it->ay, it->by) + kPad &&
        SegmentDistance2(x, y, it->ax, it->ay, it->bx, it->by) <= kEps2) {
      near = true;
    }
  }
  return in || near;
}

}  // namespace tilsyn::geo
