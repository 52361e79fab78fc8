// PermitStore: the street-occupation permits a permit-check task compares observations with
// (tasks/permit.h). One narrow seam per aggregate: the first piece cut out of the wide Store
// (the scale-out work splits the rest the same way). Implemented by the SQL store; reached
// through Store::permits(). Thread-safe as its implementation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "geo/geofence.h"
#include "tasks/permit.h"

namespace tilsyn::store {

struct PermitFilter {
  std::optional<TimeMs> valid_at;  // only permits valid at this time
  std::optional<geo::BBox> near;   // only permits whose area's bounding box meets this box
  std::optional<std::string> kind;
  int limit = 1000;
};

class PermitStore {
 public:
  virtual ~PermitStore() = default;
  // Inserts the permit, or replaces the one with the same id (a re-import updates it). Returns
  // true when it was new.
  virtual Result<bool> PutPermit(const tasks::Permit& permit) = 0;
  // NotFound (field "id") for an unknown id.
  virtual Result<tasks::Permit> GetPermit(const std::string& id) = 0;
  // Matching permits ordered by valid_from, then id.
  virtual Result<std::vector<tasks::Permit>> ListPermits(const PermitFilter& filter) = 0;
};

}  // namespace tilsyn::store
