// GeofenceIndex: finds the fences that contain a point. Two implementations: a bounding-box scan
// (reference) and GridGeofenceIndex (uniform grid, compiled fences, time/heading filters,
// RCU snapshots). Implementations must allow Upsert and Remove while Query runs on other threads.
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

// A bounding-box scan: simple reference for tests and tiny fence sets.
std::unique_ptr<GeofenceIndex> NewScanGeofenceIndex();
// The fast grid index (geo/grid_geofence_index.h: filters, snapshots, allocation-free queries).
std::unique_ptr<GeofenceIndex> NewGridGeofenceIndex();

}  // namespace tilsyn::geo
