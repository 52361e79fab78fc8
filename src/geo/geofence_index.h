// GeofenceIndex: finds the fences that contain a point. The seam the geofence issue deepens
// (grid/R-tree, time windows, heading); this module's default is a bounding-box scan, adequate
// for the few jobs an agent holds or a city's active tasks. Implementations must allow Upsert and
// Remove while Query runs on other threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "geo/geofence.h"

namespace tilsyn::geo {

class GeofenceIndex {
 public:
  virtual ~GeofenceIndex() = default;
  // Adds or replaces the fence stored under `id`.
  virtual void Upsert(const std::string& id, const Geofence& fence) = 0;
  // Removes `id`; no-op when absent.
  virtual void Remove(const std::string& id) = 0;
  // Ids of all fences containing `p`, in no particular order.
  virtual std::vector<std::string> Query(LatLon p) const = 0;
  virtual size_t size() const = 0;
};

// The default in-memory index.
std::unique_ptr<GeofenceIndex> NewScanGeofenceIndex();

}  // namespace tilsyn::geo
