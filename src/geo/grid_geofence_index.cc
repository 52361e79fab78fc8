#include "geo/grid_geofence_index.h"

#include <algorithm>
#include <cmath>

namespace tilsyn::geo {
namespace {
constexpr double kMPerDeg = CompiledFence::kMetresPerDegLat;
constexpr size_t kMaxCells = 8u << 20;
constexpr size_t kMaxCellsPerFence = 4096;

std::shared_ptr<const GridGeofenceIndex::Grid> BuildGrid(
    std::vector<std::shared_ptr<const CompiledFence>> fences, double cell_scale) {
  auto g = std::make_shared<GridGeofenceIndex::Grid>();
  g->fences = std::move(fences);
  g->cell_start.assign(1, 0);
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
  auto range = [&](const BBox& b, int* x0, int* x1, int* y0, int* y1) {
    auto cx = [&](double lon) {
      return std::clamp(static_cast<int>((lon - g->lon0) * g->inv_dlon), 0, g->nx - 1);
    };
    auto cy = [&](double lat) {
      return std::clamp(static_cast<int>((lat - g->lat0) * g->inv_dlat), 0, g->ny - 1);
    };
    *x0 = cx(b.min_lon), *x1 = cx(b.max_lon), *y0 = cy(b.min_lat), *y1 = cy(b.max_lat);
  };
  // Entries per fence: circles in every cell of their bbox; polygons only in cells an edge may
  // cross (tested exactly) or whose centre is inside (then the whole cell is: kCellInside).
  std::vector<std::pair<uint32_t, GridGeofenceIndex::CellEntry>> tmp;
  std::vector<uint8_t> crossed;
  const double margin = 1e-9;  // degrees (~0.1 mm): cell assignment rounding stays conservative
  for (size_t i = 0; i < g->fences.size(); ++i) {
    const CompiledFence& f = *g->fences[i];
    int x0, x1, y0, y1;
    range(f.bbox(), &x0, &x1, &y0, &y1);
    size_t w = x1 - x0 + 1, h = y1 - y0 + 1;
    if (w * h > kMaxCellsPerFence) {
      g->wide.push_back(static_cast<uint32_t>(i));
      continue;
    }
    const BBox& b = f.bbox();
    const uint16_t trivial = f.trivial_filter() ? 1 : 0;
    GridGeofenceIndex::CellEntry test{b.min_lat, b.min_lon, b.max_lat, b.max_lon, &f,
                                      static_cast<uint32_t>(i), GridGeofenceIndex::CellEntry::kTest,
                                      trivial};
    auto cell_id = [&](int x, int y) { return static_cast<uint32_t>(static_cast<size_t>(y) * g->nx + x); };
    if (f.kind() == Geofence::Kind::kCircle) {
      GridGeofenceIndex::CellEntry e{f.origin().lat, f.origin().lon, f.kx(), f.reach2(), &f,
                                     static_cast<uint32_t>(i), GridGeofenceIndex::CellEntry::kCircle,
                                     trivial};
      // Only cells the circle reaches (rectangle-to-centre distance in the circle's projection,
      // with a millimetre of slack against rounding).
      const double ky = CompiledFence::kMetresPerDegLat, reach = std::sqrt(f.reach2()) + 1e-3;
      for (int y = y0; y <= y1; ++y) {
        double clat0 = g->lat0 + y / g->inv_dlat, clat1 = g->lat0 + (y + 1) / g->inv_dlat;
        double dy = std::max({0.0, clat0 - f.origin().lat, f.origin().lat - clat1}) * ky;
        for (int x = x0; x <= x1; ++x) {
          double clon0 = g->lon0 + x / g->inv_dlon, clon1 = g->lon0 + (x + 1) / g->inv_dlon;
          double dx = std::max({0.0, clon0 - f.origin().lon, f.origin().lon - clon1}) * f.kx();
          if (dx * dx + dy * dy <= reach * reach) tmp.emplace_back(cell_id(x, y), e);
        }
      }
      continue;
    }
    if (f.kind() != Geofence::Kind::kPolygon || w * h <= 2) {
      for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) tmp.emplace_back(cell_id(x, y), test);
      continue;
    }
    crossed.assign(w * h, 0);
    for (const auto& ring : f.fence().rings()) {
      for (size_t k = 0; k + 1 < ring.size(); ++k) {
        BBox eb{std::min(ring[k].lat, ring[k + 1].lat) - margin,
                std::min(ring[k].lon, ring[k + 1].lon) - margin,
                std::max(ring[k].lat, ring[k + 1].lat) + margin,
                std::max(ring[k].lon, ring[k + 1].lon) + margin};
        int ex0, ex1, ey0, ey1;
        range(eb, &ex0, &ex1, &ey0, &ey1);
        for (int y = std::max(ey0, y0); y <= std::min(ey1, y1); ++y)
          for (int x = std::max(ex0, x0); x <= std::min(ex1, x1); ++x) crossed[(y - y0) * w + (x - x0)] = 1;
      }
    }
    GridGeofenceIndex::CellEntry inside = test;
    inside.kind = GridGeofenceIndex::CellEntry::kCellInside;
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        if (crossed[(y - y0) * w + (x - x0)]) {
          tmp.emplace_back(cell_id(x, y), test);
        } else if (f.Contains({g->lat0 + (y + 0.5) / g->inv_dlat, g->lon0 + (x + 0.5) / g->inv_dlon})) {
          tmp.emplace_back(cell_id(x, y), inside);
        }
      }
    }
  }
  size_t ncell = static_cast<size_t>(g->nx) * g->ny;
  g->cell_start.assign(ncell + 1, 0);
  for (const auto& [c, e] : tmp) ++g->cell_start[c + 1];
  for (size_t c = 0; c < ncell; ++c) g->cell_start[c + 1] += g->cell_start[c];
  g->entries.resize(tmp.size());
  std::vector<uint32_t> fill(g->cell_start.begin(), g->cell_start.end() - 1);
  for (const auto& [c, e] : tmp) g->entries[fill[c]++] = e;
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
