// The metadata JSON a vehicle sends with an observation (docs/api.md "Observation upload
// metadata"), validated field by field. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/json_util.h"

namespace tilsyn::pipeline {

struct ObservationMetadata {
  std::string id;  // UUID made on the vehicle
  std::string job_id;
  // The job's version the vehicle captured under (absent from older agents): a capture made
  // under an older version than the job's current one was offered to the vehicle then.
  std::optional<int64_t> job_version;
  TimeMs captured_ms = 0;
  double lat = 0, lon = 0;
  std::optional<double> heading_deg, speed_kmh, accuracy_m;
  Json anonymization = Json::object();  // the vehicle's report ({} when absent)
};

// InvalidArgument naming the field ("metadata", "id", "job_id", "job_version", "captured_at",
// "lat", "lon", "heading_deg", "speed_kmh", "accuracy_m", "anonymization") on anything malformed or
// out of range. A capture time more than `max_future_ms` after `now` is refused as well (clock
// skew).
Result<ObservationMetadata> ParseObservationMetadata(const Json& metadata, TimeMs now,
                                                     int64_t max_future_ms = 10 * 60'000);

}  // namespace tilsyn::pipeline
