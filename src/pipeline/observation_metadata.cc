#include "pipeline/observation_metadata.h"

#include <cmath>

#include "core/ids.h"
#include "core/time_format.h"

namespace tilsyn::pipeline {
namespace {

Status CheckRange(std::optional<double> v, double lo, double hi, const char* field) {
  if (v && (!std::isfinite(*v) || *v < lo || *v > hi)) {
    return Status::InvalidArgument(std::string(field) + " must be between " + std::to_string(lo) +
                                       " and " + std::to_string(hi),
                                   field);
  }
  return Status::Ok();
}

}  // namespace

Result<ObservationMetadata> ParseObservationMetadata(const Json& j, TimeMs now,
                                                     int64_t max_future_ms) {
  if (!j.is_object()) return Status::InvalidArgument("metadata must be a JSON object", "metadata");
  ObservationMetadata m;
  TILSYN_ASSIGN_OR_RETURN(m.id, GetString(j, "id", "id"));
  if (!IsUuid(m.id)) return Status::InvalidArgument("id must be a UUID", "id");
  TILSYN_ASSIGN_OR_RETURN(m.job_id, GetString(j, "job_id", "job_id"));
  if (m.job_id.empty() || m.job_id.size() > 100) {
    return Status::InvalidArgument("job_id must be a job id", "job_id");
  }
  if (auto it = j.find("job_version"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1) {
      return Status::InvalidArgument("job_version must be a positive integer", "job_version");
    }
    m.job_version = it->get<int64_t>();
  }
  TILSYN_ASSIGN_OR_RETURN(std::string captured_at, GetString(j, "captured_at", "captured_at"));
  Result<TimeMs> t = ParseIso8601(captured_at);
  if (!t.ok()) {
    return Status::InvalidArgument("captured_at must be an RFC 3339 time", "captured_at");
  }
  m.captured_ms = *t;
  if (m.captured_ms > now + max_future_ms) {
    return Status::InvalidArgument("captured_at lies in the future", "captured_at");
  }
  TILSYN_ASSIGN_OR_RETURN(m.lat, GetNumber(j, "lat", "lat"));
  TILSYN_ASSIGN_OR_RETURN(m.lon, GetNumber(j, "lon", "lon"));
  TILSYN_RETURN_IF_ERROR(CheckRange(m.lat, -90, 90, "lat"));
  TILSYN_RETURN_IF_ERROR(CheckRange(m.lon, -180, 180, "lon"));
  TILSYN_ASSIGN_OR_RETURN(m.heading_deg, GetOptNumber(j, "heading_deg", "heading_deg"));
  TILSYN_ASSIGN_OR_RETURN(m.speed_kmh, GetOptNumber(j, "speed_kmh", "speed_kmh"));
  TILSYN_ASSIGN_OR_RETURN(m.accuracy_m, GetOptNumber(j, "accuracy_m", "accuracy_m"));
  TILSYN_RETURN_IF_ERROR(CheckRange(m.heading_deg, 0, 360, "heading_deg"));
  TILSYN_RETURN_IF_ERROR(CheckRange(m.speed_kmh, 0, 400, "speed_kmh"));
  TILSYN_RETURN_IF_ERROR(CheckRange(m.accuracy_m, 0, 100'000, "accuracy_m"));
  if (auto it = j.find("anonymization"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) {
      return Status::InvalidArgument("anonymization must be an object", "anonymization");
    }
    if (it->dump().size() > 16 * 1024) {
      return Status::InvalidArgument("anonymization report is too large", "anonymization");
    }
    m.anonymization = *it;
  }
  return m;
}

}  // namespace tilsyn::pipeline
