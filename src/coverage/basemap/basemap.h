// The base map a city supplies (building footprints, kerbs, parks, street names …) for maps that
// work without a tile server: `tilsyn import basemap` stores each file's features as one named
// layer in <data-dir>/basemap/features.jsonl (one JSON object per line: layer, name, bbox and
// a WGS84 GeoJSON geometry); the server reads it through BasemapCache, which reloads the file
// when it changes. Thread-safe (a loaded base map is immutable and shared between callers).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "geo/geofence.h"

namespace tilsyn::coverage {

struct BasemapFeature {
  std::string layer;  // the import's --layer (e.g. "buildings")
  std::string name;   // a street's or place's name; "" when the feature has none
  geo::BBox box;
  Json geometry;  // GeoJSON geometry in WGS84 (lon, lat)
};

std::string BasemapFile(const std::string& data_dir);

// An absent file is an empty base map; a malformed line is an error naming its line number.
Result<std::vector<BasemapFeature>> LoadBasemap(const std::string& path);
// Written atomically (a reader never sees half a file).
Status SaveBasemap(const std::string& path, const std::vector<BasemapFeature>& features);

struct BasemapSlice {
  std::vector<const BasemapFeature*> features;  // valid while `keep` lives
  std::shared_ptr<const void> keep;
  int64_t matched = 0;  // features meeting the box (>= features.size())
  bool truncated = false;
};

class BasemapCache {
 public:
  explicit BasemapCache(std::string path) : path_(std::move(path)) {}
  // The features whose bounding box meets `box`, in file order, at most `limit`. A file that
  // cannot be read is Internal (an API client gets "internal error"; the log has the detail).
  Result<BasemapSlice> Query(const geo::BBox& box, int64_t limit) const;
  // Every feature (for a search over names).
  Result<std::shared_ptr<const std::vector<BasemapFeature>>> All() const;

 private:
  struct Loaded {
    std::filesystem::file_time_type mtime;
    std::shared_ptr<const std::vector<BasemapFeature>> features;
  };
  Result<Loaded> Get() const;
  std::string path_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const Loaded> loaded_;
};

}  // namespace tilsyn::coverage
