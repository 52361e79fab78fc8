// GridGeofenceIndex: the fast GeofenceIndex. Fences are compiled (geo/compiled_fence.h) and listed
// in a uniform lat/lon grid (cell side ≈ half the median fence size) as per-cell candidate arrays
// in a flat CSR layout, circles and areas (polygons, corridors) in two separate compact arrays.
// Circle candidates carry centre and radius inline. Each cell is split into 8×8 sub-cells; an area
// candidate carries two 64-bit masks: sub-cells wholly inside the area (a match with no test) and
// sub-cells an edge may cross (exact test by a per-cell CellTest, geo/cell_test.h, read in one
// short sequential run); in all other sub-cells the candidate is rejected without touching the
// fence. The big arrays use huge pages (geo/huge_page_allocator.h). Queries run on an
// immutable Snapshot (RCU style): writers build a new snapshot and swap a std::shared_ptr, readers
// keep theirs as long as they hold it. Single upserts go to a small delta list scanned by bbox and
// a tombstone vector; the grid is rebuilt when the delta grows (amortised), or at once by
// UpsertMany. ForEachMatch never allocates. All methods are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "geo/cell_test.h"
#include "geo/compiled_fence.h"
#include "geo/geofence_index.h"
#include "geo/huge_page_allocator.h"

namespace tilsyn::geo {

class GridGeofenceIndex : public GeofenceIndex {
 public:
  // Candidates are 16 and 24 bytes and name their fence by slot (Grid::fences); `ref` is the
  // slot, with kTrivial set when the fence's filter always passes (no fence access on a match).
  static constexpr uint32_t kTrivial = 1u << 31;
  // A circle candidate in the cell's own metric frame (metres east/north of the cell's SW corner,
  // x scaled by the row's kx), in float. A point closer than radius - circle_slack_m to the
  // centre is inside, one farther than radius + circle_slack_m outside; between the two (a band
  // of a few cm around the boundary) the fence's exact test decides, so answers are exact.
  struct CircleEntry {
    float x, y, r;
    uint32_t ref;
  };
  // An area candidate (polygon, corridor, large circle). Sub-cell bit = sy * 8 + sx in the cell.
  struct AreaEntry {
    uint64_t inside;  // sub-cells wholly inside the area: match without a test
    uint64_t test;    // sub-cells the boundary may cross: exact test
    uint32_t ref;
    uint32_t test_at;  // polygons: the CellTest in Grid::tests; kNoCellTest: the fence's Contains
  };
  static constexpr uint32_t kNoCellTest = ~0u;
  struct CellStart {
    uint32_t circle, area;  // first candidate of the cell in Grid::circles / Grid::areas
  };
  struct Grid {
    std::vector<std::shared_ptr<const CompiledFence>> fences;
    HugeVector<const CompiledFence*> fence_ptrs;  // per slot, raw (read on a match)
    double lat0 = 0, lon0 = 0, inv_dlat = 0, inv_dlon = 0, dlat = 0, dlon = 0;
    int nx = 0, ny = 0;
    std::vector<double> row_kx;         // per row: metres per degree of longitude at its centre
    HugeVector<CellStart> cell_start;  // nx*ny+1
    HugeVector<CircleEntry> circles;
    HugeVector<AreaEntry> areas;
    HugeVector<double> tests;  // CellTest blocks (geo/cell_test.h) of area candidates
    std::vector<uint32_t> wide;  // fences spanning too many cells: tested by bbox on every query
    double cell_m = 0;
    float circle_slack_m = 0;
  };
  class Snapshot {
   public:
    // Calls fn(const CompiledFence&) for every fence containing q.pos whose filter allows q.
    template <typename Fn>
    void ForEachMatch(const QueryPoint& q, Fn&& fn) const;
    template <typename Fn>
    void ForEachMatch(LatLon p, Fn&& fn) const {
      ForEachMatch(QueryPoint{p, std::nullopt, std::nullopt}, fn);
    }
    // Batch form for bulk work (coverage, upload validation, benchmarks): for k < n calls
    // fn(idx[k], const CompiledFence&) for every match of pts[idx[k]], in that order, with the
    // same answers as ForEachMatch. Software-pipelined: the grid cells and polygon cell tests of the
    // next few points are prefetched while the current one is tested.
    template <typename Fn>
    void ForEachMatchBatch(const LatLon* pts, const uint32_t* idx, size_t n, Fn&& fn) const;
    size_t size() const { return live_; }
    const Grid& grid() const { return *grid_; }

   private:
    friend class GridGeofenceIndex;
    // p's sub-cell column and row (×8 is exact, so sx >> 3 is the cell column); false when p
    // lies outside the grid.
    static bool Locate(const Grid& g, LatLon p, uint32_t* sx, uint32_t* sy) {
      double fx = (p.lon - g.lon0) * g.inv_dlon, fy = (p.lat - g.lat0) * g.inv_dlat;
      if (!(fx >= 0 && fy >= 0 && fx < g.nx && fy < g.ny)) return false;
      *sx = static_cast<uint32_t>(fx * 8);
      *sy = static_cast<uint32_t>(fy * 8);
      return true;
    }
    static size_t CellOf(const Grid& g, uint32_t sx, uint32_t sy) {
      return static_cast<size_t>(sy >> 3) * g.nx + (sx >> 3);
    }
    std::shared_ptr<const Grid> grid_;
    std::shared_ptr<const std::vector<uint8_t>> dead_;  // per base slot
    std::vector<std::shared_ptr<const CompiledFence>> delta_;
    size_t live_ = 0;
  };

  struct Options {
    // Grid cell side = cell_scale × the median fence size, clamped to 5 m … 2 km.
    double cell_scale = 0.5;
  };
  GridGeofenceIndex() : GridGeofenceIndex(Options{}) {}
  explicit GridGeofenceIndex(Options options);

  void Upsert(const std::string& id, const Geofence& fence) override { Upsert(id, fence, {}); }
  void Upsert(const std::string& id, const Geofence& fence, FenceFilter filter);
  // Replaces the whole content in one rebuild (bulk load).
  void Reset(const std::vector<std::pair<std::string, Geofence>>& fences,
             const std::vector<FenceFilter>& filters = {});
  void Remove(const std::string& id) override;
  std::vector<std::string> Query(LatLon p) const override;
  std::vector<std::string> Query(const QueryPoint& q) const;
  size_t size() const override { return snapshot()->size(); }

  std::shared_ptr<const Snapshot> snapshot() const {
    std::lock_guard lock(snap_mu_);
    return snap_;
  }

 private:
  void RebuildLocked(std::vector<std::shared_ptr<const CompiledFence>> fences);
  void PublishLocked(std::shared_ptr<const Snapshot> s);
  std::vector<std::shared_ptr<const CompiledFence>> LiveLocked() const;

  Options options_;
  mutable std::mutex snap_mu_;  // guards snap_ (pointer copy only)
  std::shared_ptr<const Snapshot> snap_;
  std::mutex write_mu_;  // serialises writers
  // Writer-side: id → (true: base slot, false: delta position).
  struct Loc {
    bool base;
    uint32_t pos;
  };
  std::unordered_map<std::string, Loc> where_;
};

template <typename Fn>
void GridGeofenceIndex::Snapshot::ForEachMatch(const QueryPoint& q, Fn&& fn) const {
  const Grid& g = *grid_;
  const LatLon p = q.pos;
  auto emit = [&](const CompiledFence& f) {
    if (f.trivial_filter() || f.filter().Allows(q)) fn(f);
  };
  const uint8_t* dead = dead_ ? dead_->data() : nullptr;
  auto emit_ref = [&](uint32_t ref) {
    const uint32_t slot = ref & ~kTrivial;
    if (dead && dead[slot]) return;
    const CompiledFence& f = *g.fence_ptrs[slot];
    if ((ref & kTrivial) || f.filter().Allows(q)) fn(f);
  };
  uint32_t sx, sy;
  if (Locate(g, p, &sx, &sy)) {
    const size_t cell = CellOf(g, sx, sy);
    const uint64_t bit = uint64_t{1} << ((sy & 7) * 8 + (sx & 7));
    const CellStart c0 = g.cell_start[cell], c1 = g.cell_start[cell + 1];
    // Areas first: sub-cells wholly inside match at once, and the cell tests still needed are
    // prefetched so their first read overlaps the circle tests.
    bool any_test = false;
    for (uint32_t k = c0.area; k != c1.area; ++k) {
      const AreaEntry& e = g.areas[k];
      if (e.inside & bit) {
        emit_ref(e.ref);
      } else if (e.test & bit) {
        any_test = true;
        if (e.test_at != kNoCellTest) __builtin_prefetch(g.tests.data() + e.test_at, 0, 3);
      }
    }
    if (c0.circle != c1.circle) {
      const uint32_t cx = sx >> 3, cy = sy >> 3;
      const float px = static_cast<float>((p.lon - (g.lon0 + cx * g.dlon)) * g.row_kx[cy]);
      const float py =
          static_cast<float>((p.lat - (g.lat0 + cy * g.dlat)) * CompiledFence::kMetresPerDegLat);
      const float slack = g.circle_slack_m;
      for (uint32_t k = c0.circle; k != c1.circle; ++k) {
        const CircleEntry& e = g.circles[k];
        const float dx = px - e.x, dy = py - e.y, d2 = dx * dx + dy * dy;
        const float hi = e.r + slack;
        if (d2 > hi * hi) continue;
        const float lo = e.r - slack;
        if ((lo > 0 && d2 < lo * lo) || g.fence_ptrs[e.ref & ~kTrivial]->ContainsInBox(p)) {
          emit_ref(e.ref);
        }
      }
    }
    if (any_test) {
      for (uint32_t k = c0.area; k != c1.area; ++k) {
        const AreaEntry& e = g.areas[k];
        if ((e.inside & bit) || !(e.test & bit)) continue;
        if (e.test_at != kNoCellTest ? CellTestContains(g.tests.data() + e.test_at, p)
                                     : g.fence_ptrs[e.ref & ~kTrivial]->Contains(p)) {
          emit_ref(e.ref);
        }
      }
    }
  }
  for (uint32_t slot : g.wide) {
    if (dead_ && (*dead_)[slot]) continue;
    const CompiledFence& f = *g.fences[slot];
    if (f.Contains(p)) emit(f);
  }
  for (const auto& f : delta_) {
    if (f->Contains(p)) emit(*f);
  }
}

template <typename Fn>
void GridGeofenceIndex::Snapshot::ForEachMatchBatch(const LatLon* pts, const uint32_t* idx,
                                                    size_t n, Fn&& fn) const {
  const Grid& g = *grid_;
  // Stage 1 (point k + 8): prefetch its cell's start. Stage 2 (k + 4): prefetch the first lines
  // of its candidate runs. Each stage skips a cell it has just handled (in trace order the next
  // fix is usually in the same cell). ForEachMatch itself prefetches the cell tests it needs.
  // (__builtin_prefetch is written out in the loop: GCC treats a helper that only prefetches as
  // pure and deletes the call.)
  constexpr size_t kA = 8, kB = 4;
  uint32_t sx, sy;
  size_t last_a = ~size_t{0}, last_b = ~size_t{0};
  for (size_t k = 0; k < n; ++k) {
    if (k + kA < n && Locate(g, pts[idx[k + kA]], &sx, &sy)) {
      const size_t cell = CellOf(g, sx, sy);
      if (cell != last_a) {
        last_a = cell;
        __builtin_prefetch(&g.cell_start[cell + 1], 0, 3);
      }
    }
    if (k + kB < n && Locate(g, pts[idx[k + kB]], &sx, &sy)) {
      const size_t cell = CellOf(g, sx, sy);
      if (cell != last_b) {
        last_b = cell;
        const CellStart c0 = g.cell_start[cell], c1 = g.cell_start[cell + 1];
        const char* c = reinterpret_cast<const char*>(g.circles.data() + c0.circle);
        const char* ce = reinterpret_cast<const char*>(g.circles.data() + c1.circle);
        for (int l = 0; l < 3 && c < ce; ++l, c += 64) __builtin_prefetch(c, 0, 3);
        const char* a = reinterpret_cast<const char*>(g.areas.data() + c0.area);
        const char* ae = reinterpret_cast<const char*>(g.areas.data() + c1.area);
        for (int l = 0; l < 3 && a < ae; ++l, a += 64) __builtin_prefetch(a, 0, 3);
      }
    }
    const uint32_t i = idx[k];
    ForEachMatch(QueryPoint{pts[i], std::nullopt, std::nullopt},
                 [&](const CompiledFence& f) { fn(i, f); });
  }
}

}  // namespace tilsyn::geo
