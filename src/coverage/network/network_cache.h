// NetworkCache: the street network that `tilsyn import network` saved (network/segments.txt),
// loaded read-only for the server's map endpoint and reloaded when the file changes. Query()
// returns the segments whose bounding box meets a lon/lat box, in file order, merged into
// polylines where consecutive segments of one kind share an end, capped at a segment count.
// Thread-safe (the loaded network is immutable and shared between callers).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "coverage/network/street_network.h"
#include "geo/latlon.h"

namespace tilsyn::coverage {

struct LonLatBox {
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
};

struct NetworkLine {
  LaneKind kind = LaneKind::kRoadway;
  std::vector<geo::LatLon> points;  // >= 2
};

struct NetworkSlice {
  std::vector<NetworkLine> lines;
  int64_t segments = 0;  // segments in `lines`
  int64_t matched = 0;   // segments in the box (>= segments)
  bool truncated = false;
  int64_t network_size = 0;  // segments in the whole network
};

class NetworkCache {
 public:
  explicit NetworkCache(std::string path) : path_(std::move(path)) {}
  // The segments meeting `box`, at most `max_segments` of them. An absent file is an empty
  // network; an unreadable or malformed one is Internal (an API client gets "internal error";
  // the log has the detail, which names the file).
  Result<NetworkSlice> Query(const LonLatBox& box, int64_t max_segments) const;

 private:
  struct Loaded {
    std::filesystem::file_time_type mtime;
    StreetNetwork net;
  };
  Result<std::shared_ptr<const Loaded>> Get() const;
  std::string path_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const Loaded> loaded_;
};

}  // namespace tilsyn::coverage
