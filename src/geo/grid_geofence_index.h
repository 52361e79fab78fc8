// GridGeofenceIndex: the fast GeofenceIndex. Fences are compiled (geo/compiled_fence.h) and listed
// in a uniform lat/lon grid (cell side ≈ the median fence size) as per-cell candidate arrays in one
// flat CSR layout; circle candidates carry their centre and radius inline, so a query reads one
// contiguous run of a cell and tests most candidates without touching the fence. Queries run on an
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

#include "geo/compiled_fence.h"
#include "geo/geofence_index.h"

namespace tilsyn::geo {

class GridGeofenceIndex : public GeofenceIndex {
 public:
  struct CellEntry {
    enum Kind : uint32_t { kTest = 0, kCircle = 1, kCellInside = 2 };
    // kCircle: a = centre lat, b = centre lon, c = kx, d = reach². kTest: the fence's bbox
    // (min_lat, min_lon, max_lat, max_lon), then the exact test. kCellInside: the whole cell lies
    // inside the polygon (no edge crosses it), no test needed.
    double a, b, c, d;
    const CompiledFence* f;  // owned by Grid::fences; read only to test polygons and filters
    uint32_t fence;          // slot in Grid::fences
    uint16_t kind;
    uint16_t trivial;  // the fence's filter always passes: a match needs no fence access
  };
  struct Grid {
    std::vector<std::shared_ptr<const CompiledFence>> fences;
    double lat0 = 0, lon0 = 0, inv_dlat = 0, inv_dlon = 0;
    int nx = 0, ny = 0;
    std::vector<uint32_t> cell_start;  // nx*ny+1
    std::vector<CellEntry> entries;
    std::vector<uint32_t> wide;  // fences spanning too many cells: tested by bbox on every query
    double cell_m = 0;
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
    size_t size() const { return live_; }
    const Grid& grid() const { return *grid_; }

   private:
    friend class GridGeofenceIndex;
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
  auto emit_entry = [&](const CellEntry& e) {
    if (e.trivial || e.f->filter().Allows(q)) fn(*e.f);
  };
  double fx = (p.lon - g.lon0) * g.inv_dlon, fy = (p.lat - g.lat0) * g.inv_dlat;
  if (fx >= 0 && fy >= 0 && fx < g.nx && fy < g.ny) {
    size_t cell = static_cast<size_t>(fy) * g.nx + static_cast<size_t>(fx);
    const CellEntry* it = g.entries.data() + g.cell_start[cell];
    const CellEntry* end = g.entries.data() + g.cell_start[cell + 1];
    const uint8_t* dead = dead_ ? dead_->data() : nullptr;
    for (; it != end; ++it) {
      if (it->kind == CellEntry::kCircle) {
        double x = (p.lon - it->b) * it->c, y = (p.lat - it->a) * CompiledFence::kMetresPerDegLat;
        if (x * x + y * y > it->d) continue;
        if (dead && dead[it->fence]) continue;
        emit_entry(*it);
      } else if (it->kind == CellEntry::kCellInside) {
        if (dead && dead[it->fence]) continue;
        emit_entry(*it);
      } else {
        if (p.lat < it->a || p.lat > it->c || p.lon < it->b || p.lon > it->d) continue;
        if (dead && dead[it->fence]) continue;
        if (it->f->ContainsInBox(p)) emit_entry(*it);
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

}  // namespace tilsyn::geo
