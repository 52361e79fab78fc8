// GpsFix: one GNSS position with its optional motion and accuracy — the record every GPS parser
// (geo/gps/nmea.h, gpx.h), the agent's GpsSource and the position-history importers share.
// Plain value type; thread-compatible.
#pragma once

#include <optional>

#include "core/clock.h"
#include "geo/latlon.h"

namespace tilsyn::geo {

struct GpsFix {
  TimeMs time = 0;                    // UTC, ms since the epoch
  LatLon pos;                         // WGS84
  std::optional<double> speed_kmh;    // ground speed
  std::optional<double> heading_deg;  // course over ground, 0 = north, clockwise
  std::optional<double> accuracy_m;   // horizontal accuracy estimate
};

}  // namespace tilsyn::geo
