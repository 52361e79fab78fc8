// Task areas (GeoJSON Point + radius, Polygon, LineString + buffer): parsing never crashes or
// hangs, and an accepted area answers containment and distance and re-parses from its own JSON.
#include "fuzz/fuzz_util.h"
#include "geo/geofence.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tilsyn;
  Result<Json> j = ParseJson(fuzz::Text(data, size));
  if (!j.ok()) return 0;
  Result<geo::Geofence> g = geo::Geofence::FromGeoJson(*j, "area");
  if (!g.ok()) return 0;
  for (geo::LatLon p : {geo::LatLon{55.6761, 12.5683}, geo::LatLon{0, 0}, geo::LatLon{-89.9, 179.9}}) {
    (void)g->Contains(p);
    (void)g->DistanceM(p);
  }
  fuzz::Require(geo::Geofence::FromGeoJson(g->ToGeoJson(), "area").ok(),
                "an accepted area re-parses from its own GeoJSON");
  return 0;
}
