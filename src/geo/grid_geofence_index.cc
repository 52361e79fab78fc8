#include "geo/grid_geofence_index.h"

#include <algorithm>
#include <cmath>

namespace tilsyn::geo {
namespace {
constexpr double kMPerDeg = CompiledFence::kMetresPerDegLat;
constexpr size_t kMaxCells = 8u << 20;
constexpr size_t kMaxCellsPerFence = 4096;
constexpr double kMaxFloatCircleM = 200;  // larger circles are area candidates (exact test)

std::shared_ptr<const GridGeofenceIndex::Grid> BuildGrid(
    std::vector<std::shared_ptr<const CompiledFence>> fences, double cell_scale) {
  auto g = std::make_shared<GridGeofenceIndex::Grid>();
  g->fences = std::move(fences);
  g->cell_start.assign(1, {0, 0});
  if (g->fences.empty()) return g;
  BBox ext = g->fences[0]->bbox();
  std::vector<double> sizes;
  sizes.reserve(g->fences.size());
  for (const auto& f : g->fences) {
    const BBox& b = f->bbox();
    ext.min_lat = std::min(ext.min_lat, b.min_lat);
    ext.min_lon = std::min(ext.min_lon, b.min_lon);
    ext.max_lat = std::max(ext.max_lat, b.max_lat);
    ext.max_lon = std::max(ext.max_lon, b.max_lon);
    double coslat = std::max(0.01, std::cos(b.min_lat * M_PI / 180));
    sizes.push_back(std::max((b.max_lat - b.min_lat) * kMPerDeg,
                             (b.max_lon - b.min_lon) * kMPerDeg * coslat));
  }
  // Cell side ≈ a fraction of the median fence size: few candidates per cell, cells often
  // wholly inside or outside a polygon.
  std::nth_element(sizes.begin(), sizes.begin() + sizes.size() / 2, sizes.end());
  double cell_m = std::clamp(sizes[sizes.size() / 2] * cell_scale, 5.0, 2000.0);
  double coslat = std::max(0.01, std::cos((ext.min_lat + ext.max_lat) / 2 * M_PI / 180));
  double dlat = 0, dlon = 0;
  for (;;) {
    dlat = cell_m / kMPerDeg;
    dlon = cell_m / (kMPerDeg * coslat);
    double nx = std::floor((ext.max_lon - ext.min_lon) / dlon) + 1;
    double ny = std::floor((ext.max_lat - ext.min_lat) / dlat) + 1;
    if (nx * ny <= kMaxCells) {
      g->nx = static_cast<int>(nx);
      g->ny = static_cast<int>(ny);
      break;
    }
    cell_m *= 2;
  }
  g->cell_m = cell_m;
  g->lat0 = ext.min_lat;
  g->lon0 = ext.min_lon;
  g->inv_dlat = 1 / dlat;
  g->inv_dlon = 1 / dlon;
  g->dlat = dlat;
  g->dlon = dlon;
  g->row_kx.resize(g->ny);
  for (int y = 0; y < g->ny; ++y) {
    g->row_kx[y] = kMPerDeg * std::cos((g->lat0 + (y + 0.5) * dlat) * M_PI / 180);
  }
  g->fence_ptrs.resize(g->fences.size());
  for (size_t i = 0; i < g->fences.size(); ++i) {
    g->fence_ptrs[i] = g->fences[i].get();
  }
  // Float circle candidates (CircleEntry): offsets from the cell corner are below L metres. The
  // row's kx differs from the circle's own by at most tan(lat)·(Δlat in radians), Δlat ≤ L, which
  // moves a point at most r·tan(lat)·L/R; float rounding adds ~1e-7·L per operation. The slack
  // bounds both with a wide margin; larger circles are tested exactly as area candidates.
  {
    double max_abs_lat = std::min(85.0, std::max(std::fabs(ext.min_lat), std::fabs(ext.max_lat)));
    double L = kMaxFloatCircleM + 2 * cell_m;
    double kx_err = std::tan(max_abs_lat * M_PI / 180) * kMaxFloatCircleM * L / 6371008.8;
    g->circle_slack_m = static_cast<float>(2 * kx_err + 1e-5 * L + 1e-3);
  }
  auto range = [&](const BBox& b, int* x0, int* x1, int* y0, int* y1) {
    auto cx = [&](double lon) {
      return std::clamp(static_cast<int>((lon - g->lon0) * g->inv_dlon), 0, g->nx - 1);
    };
    auto cy = [&](double lat) {
      return std::clamp(static_cast<int>((lat - g->lat0) * g->inv_dlat), 0, g->ny - 1);
    };
    *x0 = cx(b.min_lon), *x1 = cx(b.max_lon), *y0 = cy(b.min_lat), *y1 = cy(b.max_lat);
  };
  using G = GridGeofenceIndex;
  // Candidates per fence: circles in every cell they reach; areas in the cells of their bbox with
  // sub-cell masks (see AreaEntry), dropped from cells wholly outside.
  std::vector<std::pair<uint32_t, G::CircleEntry>> tmp_circles;
  std::vector<std::pair<uint32_t, G::AreaEntry>> tmp_areas;
  // Per-area sub-cell state: 0 unknown, 1 an edge may cross, 2 outside, 3 inside.
  std::vector<uint8_t> st;
  std::vector<uint32_t> stack;
  const double margin = 1e-9;  // degrees (~0.1 mm): cell assignment rounding stays conservative
  auto cell_id = [&](int x, int y) { return static_cast<uint32_t>(static_cast<size_t>(y) * g->nx + x); };
  for (size_t i = 0; i < g->fences.size(); ++i) {
    const CompiledFence& f = *g->fences[i];
    int x0, x1, y0, y1;
    range(f.bbox(), &x0, &x1, &y0, &y1);
    size_t w = x1 - x0 + 1, h = y1 - y0 + 1;
    if (w * h > kMaxCellsPerFence) {
      g->wide.push_back(static_cast<uint32_t>(i));
      continue;
    }
    const uint32_t ref = static_cast<uint32_t>(i) | (f.trivial_filter() ? G::kTrivial : 0);
    if (f.kind() == Geofence::Kind::kCircle && f.fence().radius_m() <= kMaxFloatCircleM) {
      // Only cells the circle reaches (rectangle-to-centre distance in the circle's projection,
      // with a millimetre of slack against rounding).
      const double ky = CompiledFence::kMetresPerDegLat, reach = std::sqrt(f.reach2()) + 1e-3;
      for (int y = y0; y <= y1; ++y) {
        double clat0 = g->lat0 + y / g->inv_dlat, clat1 = g->lat0 + (y + 1) / g->inv_dlat;
        double dy = std::max({0.0, clat0 - f.origin().lat, f.origin().lat - clat1}) * ky;
        for (int x = x0; x <= x1; ++x) {
          double clon0 = g->lon0 + x / g->inv_dlon, clon1 = g->lon0 + (x + 1) / g->inv_dlon;
          double dx = std::max({0.0, clon0 - f.origin().lon, f.origin().lon - clon1}) * f.kx();
          if (dx * dx + dy * dy <= reach * reach) {
            G::CircleEntry e{
                static_cast<float>((f.origin().lon - (g->lon0 + x * g->dlon)) * g->row_kx[y]),
                static_cast<float>((f.origin().lat - (g->lat0 + y * g->dlat)) * ky),
                static_cast<float>(std::sqrt(f.reach2())), ref};
            tmp_circles.emplace_back(cell_id(x, y), e);
          }
        }
      }
      continue;
    }
    if (f.kind() != Geofence::Kind::kPolygon) {
      G::AreaEntry e{0, ~uint64_t{0}, ref, G::kNoCellTest};
      for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) tmp_areas.emplace_back(cell_id(x, y), e);
      continue;
    }
    // Sub-cell grid over the fence's cells, in the query's own coordinates (fx × 8, fy × 8):
    // mark every sub-cell an edge's box (padded by the margin) overlaps, then flood-fill the
    // unmarked ones — no edge separates 4-adjacent unmarked sub-cells — and classify each
    // component by one exact test at a sub-cell centre.
    const size_t W = w * 8, H = h * 8;
    st.assign(W * H, 0);
    auto sub = [&](double v, double v0, double inv, int lo, size_t n) {
      double s = std::floor((v - v0) * inv * 8) - lo;
      return static_cast<size_t>(std::clamp(s, 0.0, static_cast<double>(n - 1)));
    };
    for (const auto& ring : f.fence().rings()) {
      for (size_t k = 0; k + 1 < ring.size(); ++k) {
        size_t sx0 = sub(std::min(ring[k].lon, ring[k + 1].lon) - margin, g->lon0, g->inv_dlon, x0 * 8, W);
        size_t sx1 = sub(std::max(ring[k].lon, ring[k + 1].lon) + margin, g->lon0, g->inv_dlon, x0 * 8, W);
        size_t sy0 = sub(std::min(ring[k].lat, ring[k + 1].lat) - margin, g->lat0, g->inv_dlat, y0 * 8, H);
        size_t sy1 = sub(std::max(ring[k].lat, ring[k + 1].lat) + margin, g->lat0, g->inv_dlat, y0 * 8, H);
        for (size_t y = sy0; y <= sy1; ++y)
          for (size_t x = sx0; x <= sx1; ++x) st[y * W + x] = 1;
      }
    }
    for (size_t s0 = 0; s0 < W * H; ++s0) {
      if (st[s0]) continue;
      LatLon c{g->lat0 + (y0 * 8 + s0 / W + 0.5) / 8 / g->inv_dlat,
               g->lon0 + (x0 * 8 + s0 % W + 0.5) / 8 / g->inv_dlon};
      const uint8_t v = f.Contains(c) ? 3 : 2;
      st[s0] = v;
      stack.assign(1, static_cast<uint32_t>(s0));
      while (!stack.empty()) {
        uint32_t s = stack.back();
        stack.pop_back();
        size_t sx = s % W, sy = s / W;
        auto visit = [&](size_t n) {
          if (!st[n]) {
            st[n] = v;
            stack.push_back(static_cast<uint32_t>(n));
          }
        };
        if (sx > 0) visit(s - 1);
        if (sx + 1 < W) visit(s + 1);
        if (sy > 0) visit(s - W);
        if (sy + 1 < H) visit(s + W);
      }
    }
    // Exact tests cut down to the sub-cells that need them (geo/cell_test.h), built per row of
    // cells from the edges whose y-range meets the row.
    LocalProjection proj(f.origin());
    std::vector<CellTestEdge> all_edges, row_edges;
    for (const auto& ring : f.fence().rings()) {
      for (size_t k = 0; k + 1 < ring.size(); ++k) {
        XY a = proj.ToXY(ring[k]), b = proj.ToXY(ring[k + 1]);
        all_edges.push_back({a.x, a.y, b.x, b.y});
      }
    }
    const double fky = f.ky(), fkx = f.kx();
    for (size_t cy = 0; cy < h; ++cy) {
      const int gy = y0 + static_cast<int>(cy);
      const double band0 = (g->lat0 + gy * g->dlat - f.origin().lat) * fky - 2e-3;
      const double band1 = (g->lat0 + (gy + 1) * g->dlat - f.origin().lat) * fky + 2e-3;
      row_edges.clear();
      for (const CellTestEdge& e : all_edges) {
        if (std::min(e.ay, e.by) <= band1 && std::max(e.ay, e.by) >= band0) row_edges.push_back(e);
      }
      for (size_t cx = 0; cx < w; ++cx) {
        uint64_t inside = 0, test = 0;
        int tx0 = 8, tx1 = -1, ty0 = 8, ty1 = -1;
        for (int b = 0; b < 64; ++b) {
          uint8_t v = st[(cy * 8 + b / 8) * W + cx * 8 + b % 8];
          if (v == 3) inside |= uint64_t{1} << b;
          if (v == 1) {
            test |= uint64_t{1} << b;
            tx0 = std::min(tx0, b % 8), tx1 = std::max(tx1, b % 8);
            ty0 = std::min(ty0, b / 8), ty1 = std::max(ty1, b / 8);
          }
        }
        if (!(inside | test)) continue;
        uint32_t test_at = G::kNoCellTest;
        if (test) {
          const int gx = x0 + static_cast<int>(cx);
          const double lonA = g->lon0 + (gx * 8 + tx0) / 8.0 * g->dlon;
          const double lonB = g->lon0 + (gx * 8 + tx1 + 1) / 8.0 * g->dlon;
          const double latA = g->lat0 + (gy * 8 + ty0) / 8.0 * g->dlat;
          const double latB = g->lat0 + (gy * 8 + ty1 + 1) / 8.0 * g->dlat;
          size_t at = AppendCellTest(f, row_edges, (lonA - f.origin().lon) * fkx,
                                     (lonB - f.origin().lon) * fkx, (latA - f.origin().lat) * fky,
                                     (latB - f.origin().lat) * fky, &g->tests);
          if (at < G::kNoCellTest) test_at = static_cast<uint32_t>(at);
        }
        tmp_areas.emplace_back(cell_id(x0 + static_cast<int>(cx), gy),
                               G::AreaEntry{inside, test, ref, test_at});
      }
    }
  }
  size_t ncell = static_cast<size_t>(g->nx) * g->ny;
  g->cell_start.assign(ncell + 1, {0, 0});
  for (const auto& [c, e] : tmp_circles) ++g->cell_start[c + 1].circle;
  for (const auto& [c, e] : tmp_areas) ++g->cell_start[c + 1].area;
  for (size_t c = 0; c < ncell; ++c) {
    g->cell_start[c + 1].circle += g->cell_start[c].circle;
    g->cell_start[c + 1].area += g->cell_start[c].area;
  }
  g->circles.resize(tmp_circles.size());
  g->areas.resize(tmp_areas.size());
  std::vector<G::CellStart> fill(g->cell_start.begin(), g->cell_start.end() - 1);
  for (const auto& [c, e] : tmp_circles) g->circles[fill[c].circle++] = e;
  for (const auto& [c, e] : tmp_areas) g->areas[fill[c].area++] = e;
  return g;
}

}  // namespace

GridGeofenceIndex::GridGeofenceIndex(Options options) : options_(options) {
  std::lock_guard w(write_mu_);
  RebuildLocked({});
}

std::vector<std::shared_ptr<const CompiledFence>> GridGeofenceIndex::LiveLocked() const {
  auto s = snapshot();
  std::vector<std::shared_ptr<const CompiledFence>> out;
  out.reserve(s->size());
  for (size_t i = 0; i < s->grid_->fences.size(); ++i) {
    if (!s->dead_ || !(*s->dead_)[i]) out.push_back(s->grid_->fences[i]);
  }
  out.insert(out.end(), s->delta_.begin(), s->delta_.end());
  return out;
}

void GridGeofenceIndex::PublishLocked(std::shared_ptr<const Snapshot> s) {
  std::lock_guard lock(snap_mu_);
  snap_ = std::move(s);
}

void GridGeofenceIndex::RebuildLocked(std::vector<std::shared_ptr<const CompiledFence>> fences) {
  auto s = std::make_shared<Snapshot>();
  where_.clear();
  for (uint32_t i = 0; i < fences.size(); ++i) where_[fences[i]->id()] = {true, i};
  s->live_ = fences.size();
  s->grid_ = BuildGrid(std::move(fences), options_.cell_scale);
  PublishLocked(std::move(s));
}

void GridGeofenceIndex::Reset(const std::vector<std::pair<std::string, Geofence>>& fences,
                              const std::vector<FenceFilter>& filters) {
  std::vector<std::shared_ptr<const CompiledFence>> compiled;
  compiled.reserve(fences.size());
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < fences.size(); ++i) {
    auto c = CompiledFence::Compile(fences[i].first, fences[i].second,
                                    i < filters.size() ? filters[i] : FenceFilter{});
    auto [it, fresh] = seen.emplace(fences[i].first, compiled.size());
    if (fresh) {
      compiled.push_back(std::move(c));
    } else {
      compiled[it->second] = std::move(c);  // the last one under an id wins
    }
  }
  std::lock_guard w(write_mu_);
  RebuildLocked(std::move(compiled));
}

void GridGeofenceIndex::Upsert(const std::string& id, const Geofence& fence, FenceFilter filter) {
  auto c = CompiledFence::Compile(id, fence, std::move(filter));
  std::lock_guard w(write_mu_);
  auto cur = snapshot();
  auto s = std::make_shared<Snapshot>(*cur);
  auto it = where_.find(id);
  if (it != where_.end()) {
    if (it->second.base) {
      auto dead = s->dead_ ? std::make_shared<std::vector<uint8_t>>(*s->dead_)
                           : std::make_shared<std::vector<uint8_t>>(s->grid_->fences.size(), 0);
      (*dead)[it->second.pos] = 1;
      s->dead_ = std::move(dead);
      it->second = {false, static_cast<uint32_t>(s->delta_.size())};
      s->delta_.push_back(std::move(c));
    } else {
      s->delta_[it->second.pos] = std::move(c);
    }
  } else {
    where_[id] = {false, static_cast<uint32_t>(s->delta_.size())};
    s->delta_.push_back(std::move(c));
    ++s->live_;
  }
  // Rebuild when scanning the delta would cost about as much as a few grid cells.
  if (s->delta_.size() > 32 + s->grid_->fences.size() / 64) {
    PublishLocked(std::move(s));
    RebuildLocked(LiveLocked());
    return;
  }
  PublishLocked(std::move(s));
}

void GridGeofenceIndex::Remove(const std::string& id) {
  std::lock_guard w(write_mu_);
  auto it = where_.find(id);
  if (it == where_.end()) return;
  auto s = std::make_shared<Snapshot>(*snapshot());
  if (it->second.base) {
    auto dead = s->dead_ ? std::make_shared<std::vector<uint8_t>>(*s->dead_)
                         : std::make_shared<std::vector<uint8_t>>(s->grid_->fences.size(), 0);
    (*dead)[it->second.pos] = 1;
    s->dead_ = std::move(dead);
  } else {
    uint32_t pos = it->second.pos;
    s->delta_.erase(s->delta_.begin() + pos);
    for (auto& [k, loc] : where_) {
      if (!loc.base && loc.pos > pos) --loc.pos;
    }
  }
  where_.erase(it);
  --s->live_;
  size_t dead_n = s->grid_->fences.size() + s->delta_.size() - s->live_;
  if (dead_n > 32 + s->grid_->fences.size() / 4) {
    PublishLocked(std::move(s));
    RebuildLocked(LiveLocked());
    return;
  }
  PublishLocked(std::move(s));
}

std::vector<std::string> GridGeofenceIndex::Query(const QueryPoint& q) const {
  std::vector<std::string> out;
  snapshot()->ForEachMatch(q, [&](const CompiledFence& f) { out.push_back(f.id()); });
  return out;
}

std::vector<std::string> GridGeofenceIndex::Query(LatLon p) const {
  return Query(QueryPoint{p, std::nullopt, std::nullopt});
}

std::unique_ptr<GeofenceIndex> NewGridGeofenceIndex() {
  return std::make_unique<GridGeofenceIndex>();
}

}  // namespace tilsyn::geo
