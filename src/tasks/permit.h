// Permit: the city's permission to occupy the street (a container or skip, scaffolding, a site
// hut) at a place for a period, issued to a holder. A permit-check task compares what a camera
// sees with the permits valid at the capture time near the observation (tasks/rules.h). Plain
// value type; JSON (de)serialisation with field-naming validation.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/result.h"
#include "geo/geofence.h"

namespace tilsyn::tasks {

struct Permit {
  std::string id;                  // the city's permit number, e.g. "TMF-2026-0042"
  std::string holder;              // e.g. "Container Service ApS"
  std::string kind = "container";  // what occupies the street
  geo::Geofence area = geo::Geofence::Circle({0, 0}, 10);  // Point + radius_m, or Polygon
  TimeMs valid_from = 0;                                   // inclusive
  TimeMs valid_to = 0;                                     // exclusive, > valid_from
  TimeMs updated_ms = 0;                                   // set by the store

  bool ValidAt(TimeMs t) const { return t >= valid_from && t < valid_to; }
};

// {"id", "holder", "kind", "area": GeoJSON Point (+radius_m) or Polygon, "valid_from",
// "valid_to" (RFC 3339)}. InvalidArgument naming the field (prefixed by `path` when given).
Result<Permit> PermitFromJson(const Json& j, const std::string& path = "");
Json PermitToJson(const Permit& p);

// A permit near an observation, as the rule sees it.
struct PermitMatch {
  Permit permit;
  double distance_m = 0;  // from the observation's position to the permit's area (0 inside)
  bool valid = false;     // valid at the capture time
};

}  // namespace tilsyn::tasks
