// CellTest: a polygon's exact containment test cut down to one rectangle of its local frame (the
// part of a grid cell where its boundary may pass), stored flat in an arena so the grid index
// tests a point with one short sequential read. Same answer as PolyBlock::Contains (hence
// Geofence::Contains) for every point inside the rectangle: edges wholly left of the rectangle
// never cross a point's +x ray; edges wholly right cross it exactly when they straddle the point's
// y, which is the parity of their endpoint ys at or below y ("breaks", those below the rectangle
// folded into `base`); the remaining edges are tested as in PolyBlock::Contains (crossing and
// boundary epsilon). Immutable once built; thread-safe to read.
#pragma once

#include <cstdint>
#include <vector>

#include "geo/compiled_fence.h"
#include "geo/huge_page_allocator.h"
#include "geo/local_projection.h"

namespace tilsyn::geo {

struct CellTestEdge {
  double ax, ay, bx, by;  // the fence's local frame (LocalProjection at its origin), metres
};

struct CellTestHeader {
  double olat, olon, kx, ky;
  uint32_t nbreak, nnear, base, pad;
  // breaks (nbreak doubles) and near edges (nnear CellTestEdge) follow.
};

// Appends the test of polygon `f` for points of its frame within [x0, x1] × [y0, y1] to `arena`,
// considering only `edges` (all of the polygon's edges whose y-range meets [y0, y1]; others
// cannot matter). Returns the offset (in doubles) of the block.
size_t AppendCellTest(const CompiledFence& f, const std::vector<CellTestEdge>& edges, double x0,
                      double x1, double y0, double y1, HugeVector<double>* arena);

// The test at `block` (from AppendCellTest) for p, which must lie in the block's rectangle.
bool CellTestContains(const double* block, LatLon p);

}  // namespace tilsyn::geo
