// Helpers shared by the agent tests: synthetic jobs and fixes near Copenhagen City Hall.
#pragma once

#include <string>

#include "agent/gps/gps_source.h"
#include "core/time_format.h"
#include "geo/latlon.h"
#include "tasks/capture_job.h"

namespace tilsyn::agent::testutil {

inline const geo::LatLon kCenter{55.6761, 12.5683};
// Thursday 2026-01-15 10:00 UTC (11:00 in Copenhagen).
inline TimeMs T0() { return ParseIso8601("2026-01-15T10:00:00Z").value(); }

inline tasks::CaptureJob CircleJob(const std::string& id, geo::LatLon center, double radius_m) {
  tasks::CaptureJob job;
  job.id = id;
  job.task_id = id;
  job.version = 1;
  job.active = true;
  job.area = geo::Geofence::Circle(center, radius_m);
  job.schedule.valid_from = ParseIso8601("2026-01-01T00:00:00Z").value();
  job.schedule.valid_to = ParseIso8601("2027-01-01T00:00:00Z").value();
  return job;
}

inline GpsFix FixAt(geo::LatLon p, TimeMs t, std::optional<double> speed_kmh = 20,
                    std::optional<double> heading = std::nullopt) {
  GpsFix f;
  f.pos = p;
  f.time = t;
  f.speed_kmh = speed_kmh;
  f.heading_deg = heading;
  f.accuracy_m = 4;
  return f;
}

}  // namespace tilsyn::agent::testutil
