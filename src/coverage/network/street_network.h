// StreetNetwork: road centrelines and cycle tracks as straight segments with a lane kind, with a
// uniform-grid index in a local metric frame for "nearest segment of each kind within r metres"
// (the lane vote of coverage). Imported from GeoJSON LineString/MultiLineString features; the
// kind comes from a fixed --kind or from a property mapping. Saved in the data dir as a small
// text file. Build() once after adding; Nearest is then const and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "coverage/import/gps_import.h"
#include "geo/latlon.h"

namespace tilsyn::coverage {

enum class LaneKind : uint8_t { kRoadway = 0, kCycleTrack = 1 };
constexpr int kLaneKinds = 2;
std::string_view ToString(LaneKind k);
Result<LaneKind> ParseLaneKind(std::string_view s);  // "roadway" | "cycle_track"

struct NetworkSegment {
  geo::LatLon a, b;
  LaneKind kind = LaneKind::kRoadway;
};

class StreetNetwork {
 public:
  void Add(const NetworkSegment& s) { segs_.push_back(s); built_ = false; }
  // Builds the grid index (cell side `cell_m` metres).
  void Build(double cell_m = 30.0);
  // Distance in metres to the nearest segment of each kind within `max_m` (infinity if none).
  std::array<double, kLaneKinds> Nearest(geo::LatLon p, double max_m) const;
  const std::vector<NetworkSegment>& segments() const { return segs_; }
  size_t size() const { return segs_.size(); }
  size_t count(LaneKind k) const;
  bool empty() const { return segs_.empty(); }

 private:
  struct Xy {
    double x, y;
  };
  Xy Project(geo::LatLon p) const { return {(p.lon - lon0_) * kx_, (p.lat - lat0_) * ky_}; }
  std::vector<NetworkSegment> segs_;
  std::vector<std::array<Xy, 2>> xy_;
  bool built_ = false;
  double lat0_ = 0, lon0_ = 0, kx_ = 1, ky_ = 1, cell_ = 30, minx_ = 0, miny_ = 0;
  int nx_ = 0, ny_ = 0;
  std::vector<uint32_t> cell_start_, cell_segs_;
};

struct NetworkImportOptions {
  std::optional<LaneKind> kind;  // every feature gets this kind
  std::string kind_property;     // or: the kind from this property's value …
  std::map<std::string, LaneKind> kind_values;  // … mapped here ("*" = any other value)
};
// Parses "--kind-map" specs like "vejklasse:Cykelsti langs vej=cycle_track,*=roadway" (property,
// colon, value=kind pairs).
Result<NetworkImportOptions> ParseKindMap(std::string_view spec);

struct NetworkImportResult {
  int64_t features = 0, segments = 0, bad = 0;
  std::array<int64_t, kLaneKinds> by_kind{};
  std::vector<BadRecord> bad_records;
};
// Adds the LineString/MultiLineString features of a GeoJSON text to `net`. Features without a
// usable geometry or kind are counted bad (reason names features[i]), never fatal.
Status ImportNetworkGeoJson(std::string_view text, const std::string& file,
                            const NetworkImportOptions& options, StreetNetwork* net,
                            NetworkImportResult* out);

// Text file, one segment a line: "kind lat_a lon_a lat_b lon_b".
Status SaveNetwork(const std::string& path, const StreetNetwork& net);
// Loads (appending to `net`); an absent file yields an empty network.
Status LoadNetwork(const std::string& path, StreetNetwork* net);

}  // namespace tilsyn::coverage
