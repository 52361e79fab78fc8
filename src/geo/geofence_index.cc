#include "geo/geofence_index.h"

#include <map>
#include <mutex>
#include <shared_mutex>

namespace tilsyn::geo {
namespace {

// Bounding-box prefilter then exact containment; a readers-writer lock lets queries run in
// parallel with each other while upserts wait.
class ScanGeofenceIndex : public GeofenceIndex {
 public:
  void Upsert(const std::string& id, const Geofence& fence) override {
    std::unique_lock lock(mu_);
    fences_.insert_or_assign(id, fence);
  }
  void Remove(const std::string& id) override {
    std::unique_lock lock(mu_);
    fences_.erase(id);
  }
  std::vector<std::string> Query(LatLon p) const override {
    std::shared_lock lock(mu_);
    std::vector<std::string> out;
    for (const auto& [id, f] : fences_) {
      if (f.bbox().Contains(p) && f.Contains(p)) out.push_back(id);
    }
    return out;
  }
  size_t size() const override {
    std::shared_lock lock(mu_);
    return fences_.size();
  }

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, Geofence> fences_;
};

}  // namespace

std::unique_ptr<GeofenceIndex> NewScanGeofenceIndex() {
  return std::make_unique<ScanGeofenceIndex>();
}

}  // namespace tilsyn::geo
