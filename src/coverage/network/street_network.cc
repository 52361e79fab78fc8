#include "coverage/network/street_network.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>

#include "core/file_util.h"
#include "core/json_util.h"

namespace tilsyn::coverage {
namespace {

constexpr double kMPerDeg = 6371008.8 * M_PI / 180.0;

double SegDist2(double px, double py, double ax, double ay, double bx, double by) {
  double vx = bx - ax, vy = by - ay, wx = px - ax, wy = py - ay;
  double l2 = vx * vx + vy * vy;
  double t = l2 > 0 ? std::clamp((wx * vx + wy * vy) / l2, 0.0, 1.0) : 0.0;
  double dx = wx - t * vx, dy = wy - t * vy;
  return dx * dx + dy * dy;
}

}  // namespace

std::string_view ToString(LaneKind k) { return k == LaneKind::kCycleTrack ? "cycle_track" : "roadway"; }

Result<LaneKind> ParseLaneKind(std::string_view s) {
  if (s == "roadway" || s == "road") return LaneKind::kRoadway;
  if (s == "cycle_track" || s == "cycle" || s == "cycle_lane") return LaneKind::kCycleTrack;
  return Status::InvalidArgument("unknown lane kind '" + std::string(s) + "' (roadway, cycle_track)",
                                 "kind");
}

size_t StreetNetwork::count(LaneKind k) const {
  return std::count_if(segs_.begin(), segs_.end(), [k](const auto& s) { return s.kind == k; });
}

void StreetNetwork::Build(double cell_m) {
  built_ = true;
  cell_ = cell_m;
  xy_.clear();
  cell_start_.clear();
  cell_segs_.clear();
  nx_ = ny_ = 0;
  if (segs_.empty()) return;
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
  for (const auto& s : segs_) {
    for (auto p : {s.a, s.b}) {
      min_lat = std::min(min_lat, p.lat), max_lat = std::max(max_lat, p.lat);
      min_lon = std::min(min_lon, p.lon), max_lon = std::max(max_lon, p.lon);
    }
  }
  lat0_ = (min_lat + max_lat) / 2;
  lon0_ = (min_lon + max_lon) / 2;
  ky_ = kMPerDeg;
  kx_ = kMPerDeg * std::cos(lat0_ * M_PI / 180.0);
  xy_.reserve(segs_.size());
  for (const auto& s : segs_) xy_.push_back({Project(s.a), Project(s.b)});
  Xy lo = Project({min_lat, min_lon}), hi = Project({max_lat, max_lon});
  minx_ = lo.x - cell_;
  miny_ = lo.y - cell_;
  nx_ = static_cast<int>((hi.x - minx_) / cell_) + 2;
  ny_ = static_cast<int>((hi.y - miny_) / cell_) + 2;
  // Guard against absurd extents (a continent-wide file): coarsen the grid.
  while (static_cast<int64_t>(nx_) * ny_ > 50'000'000) {
    cell_ *= 2;
    minx_ = lo.x - cell_;
    miny_ = lo.y - cell_;
    nx_ = static_cast<int>((hi.x - minx_) / cell_) + 2;
    ny_ = static_cast<int>((hi.y - miny_) / cell_) + 2;
  }
  std::vector<uint32_t> counts(static_cast<size_t>(nx_) * ny_ + 1, 0);
  auto cover = [&](const std::array<Xy, 2>& e, auto&& fn) {
    int x0 = static_cast<int>((std::min(e[0].x, e[1].x) - minx_) / cell_);
    int x1 = static_cast<int>((std::max(e[0].x, e[1].x) - minx_) / cell_);
    int y0 = static_cast<int>((std::min(e[0].y, e[1].y) - miny_) / cell_);
    int y1 = static_cast<int>((std::max(e[0].y, e[1].y) - miny_) / cell_);
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) fn(static_cast<size_t>(y) * nx_ + x);
  };
  for (const auto& e : xy_) cover(e, [&](size_t c) { ++counts[c]; });
  cell_start_.assign(counts.size(), 0);
  for (size_t c = 0; c + 1 < counts.size(); ++c) cell_start_[c + 1] = cell_start_[c] + counts[c];
  cell_segs_.resize(cell_start_.back());
  std::vector<uint32_t> fill(cell_start_.begin(), cell_start_.end() - 1);
  for (uint32_t i = 0; i < xy_.size(); ++i) cover(xy_[i], [&](size_t c) { cell_segs_[fill[c]++] = i; });
}

std::array<double, kLaneKinds> StreetNetwork::Nearest(geo::LatLon p, double max_m) const {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::array<double, kLaneKinds> best{kInf, kInf};
  if (!built_ || nx_ == 0) return best;
  Xy q = Project(p);
  const int r = static_cast<int>(std::ceil(max_m / cell_));
  int cx = static_cast<int>(std::floor((q.x - minx_) / cell_));
  int cy = static_cast<int>(std::floor((q.y - miny_) / cell_));
  const double max2 = max_m * max_m;
  std::array<double, kLaneKinds> best2{max2, max2};
  bool found[kLaneKinds] = {false, false};
  for (int y = std::max(0, cy - r); y <= std::min(ny_ - 1, cy + r); ++y) {
    for (int x = std::max(0, cx - r); x <= std::min(nx_ - 1, cx + r); ++x) {
      size_t c = static_cast<size_t>(y) * nx_ + x;
      for (uint32_t k = cell_start_[c]; k < cell_start_[c + 1]; ++k) {
        uint32_t i = cell_segs_[k];
        const auto& e = xy_[i];
        double d2 = SegDist2(q.x, q.y, e[0].x, e[0].y, e[1].x, e[1].y);
        int kind = static_cast<int>(segs_[i].kind);
        if (d2 <= best2[kind]) {
          best2[kind] = d2;
          found[kind] = true;
        }
      }
    }
  }
  for (int k = 0; k < kLaneKinds; ++k) {
    if (found[k]) best[k] = std::sqrt(best2[k]);
  }
  return best;
}

Result<NetworkImportOptions> ParseKindMap(std::string_view spec) {
  NetworkImportOptions o;
  size_t colon = spec.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument("kind-map: expected PROPERTY:VALUE=KIND,...", "kind-map");
  }
  o.kind_property = std::string(spec.substr(0, colon));
  std::string_view rest = spec.substr(colon + 1);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t eq = part.rfind('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("kind-map: expected VALUE=KIND, got '" + std::string(part) + "'",
                                     "kind-map");
    }
    TILSYN_ASSIGN_OR_RETURN(LaneKind k, ParseLaneKind(part.substr(eq + 1)));
    o.kind_values[std::string(part.substr(0, eq))] = k;
  }
  if (o.kind_values.empty()) return Status::InvalidArgument("kind-map: no values", "kind-map");
  return o;
}

Status ImportNetworkGeoJson(std::string_view text, const std::string& file,
                            const NetworkImportOptions& o, StreetNetwork* net,
                            NetworkImportResult* out) {
  if (!o.kind && o.kind_property.empty()) {
    return Status::InvalidArgument("network import needs --kind or --kind-map", "kind");
  }
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("features") ||
      !doc["features"].is_array()) {
    return Status::InvalidArgument(file + ": not a GeoJSON FeatureCollection");
  }
  const Json& fs = doc["features"];
  for (size_t i = 0; i < fs.size(); ++i) {
    const Json& f = fs[i];
    ++out->features;
    auto bad = [&](const std::string& why) {
      ++out->bad;
      if (out->bad_records.size() < GpsImportResult::kMaxListed)
        out->bad_records.push_back({file, 0, "features[" + std::to_string(i) + "]: " + why});
    };
    if (!f.is_object() || !f.contains("geometry") || !f["geometry"].is_object()) {
      bad("no geometry");
      continue;
    }
    LaneKind kind = o.kind.value_or(LaneKind::kRoadway);
    if (!o.kind) {
      std::string value;
      if (f.contains("properties") && f["properties"].is_object() &&
          f["properties"].contains(o.kind_property)) {
        const Json& v = f["properties"][o.kind_property];
        value = v.is_string() ? v.get<std::string>() : v.dump();
      }
      auto it = o.kind_values.find(value);
      if (it == o.kind_values.end()) it = o.kind_values.find("*");
      if (it == o.kind_values.end()) {
        bad("property '" + o.kind_property + "' value '" + value + "' is not mapped");
        continue;
      }
      kind = it->second;
    }
    const Json& g = f["geometry"];
    const std::string type = StringOr(g, "type");
    std::vector<const Json*> lines;
    if (type == "LineString" && g.contains("coordinates")) {
      lines.push_back(&g["coordinates"]);
    } else if (type == "MultiLineString" && g.contains("coordinates") && g["coordinates"].is_array()) {
      for (const auto& l : g["coordinates"]) lines.push_back(&l);
    } else {
      bad("geometry is not a LineString or MultiLineString");
      continue;
    }
    int64_t added = 0;
    bool ok = true;
    for (const Json* l : lines) {
      if (!l->is_array()) {
        ok = false;
        break;
      }
      std::optional<geo::LatLon> prev;
      for (const auto& c : *l) {
        if (!c.is_array() || c.size() < 2 || !c[0].is_number() || !c[1].is_number()) {
          ok = false;
          break;
        }
        geo::LatLon p{c[1].get<double>(), c[0].get<double>()};
        if (std::abs(p.lat) > 90 || std::abs(p.lon) > 180) {
          ok = false;
          break;
        }
        if (prev) {
          net->Add({*prev, p, kind});
          ++added;
        }
        prev = p;
      }
    }
    if (!ok || added == 0) {
      bad("bad coordinates");
      continue;
    }
    out->segments += added;
    out->by_kind[static_cast<int>(kind)] += added;
  }
  return Status::Ok();
}

Status SaveNetwork(const std::string& path, const StreetNetwork& net) {
  std::string out;
  out.reserve(net.size() * 64);
  char buf[128];
  for (const auto& s : net.segments()) {
    std::snprintf(buf, sizeof buf, "%s %.7f %.7f %.7f %.7f\n", std::string(ToString(s.kind)).c_str(),
                  s.a.lat, s.a.lon, s.b.lat, s.b.lon);
    out += buf;
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  return WriteFileAtomic(path, out);
}

Status LoadNetwork(const std::string& path, StreetNetwork* net) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::Ok();
  TILSYN_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::istringstream in(text);
  std::string kind;
  NetworkSegment s;
  int64_t line = 0;
  while (in >> kind >> s.a.lat >> s.a.lon >> s.b.lat >> s.b.lon) {
    ++line;
    auto k = ParseLaneKind(kind);
    if (!k.ok()) return Status::InvalidArgument(path + ":" + std::to_string(line) + ": bad kind");
    s.kind = *k;
    net->Add(s);
  }
  return Status::Ok();
}

}  // namespace tilsyn::coverage
