// Row <-> record mapping shared by the SQL store's per-resource files: the column lists of
// each table (in the order the readers expect) and readers from a Statement positioned on a row.
// JSON columns are text; they are parsed leniently (a corrupt value reads as the default).
// Stateless; thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "core/json_util.h"
#include "store/records.h"
#include "store/sql/db.h"

namespace tilsyn::store::sql {

// Parses a JSON column; returns `fallback` when the text is not valid JSON.
Json ParseJsonColumn(const std::string& text, const Json& fallback);

inline constexpr std::string_view kVehicleColumns =
    "id, name, kind, lane, created_ms, last_lat, last_lon, last_seen_ms, heartbeat, "
    "prev_heartbeat, heartbeat_ms";
Vehicle ReadVehicle(const Statement& st);

inline constexpr std::string_view kObservationColumns =
    "id, task_id, job_id, vehicle_id, captured_ms, lat, lon, heading_deg, speed_kmh, accuracy_m, "
    "blob_key, image_sha256, anonymization, state, error, attempts, received_ms, updated_ms, "
    "location_erased_ms";
Observation ReadObservation(const Statement& st);

inline constexpr std::string_view kBlobColumns =
    "key, observation_id, task_id, size, created_ms, delete_after_ms, deleted_ms, deleted_reason";
BlobRecord ReadBlob(const Statement& st);

inline constexpr std::string_view kRunColumns =
    "id, observation_id, service, label, position, started_ms, finished_ms, detections, "
    "good_enough, error";
RecognitionRunRecord ReadRun(const Statement& st);

inline constexpr std::string_view kAssessmentColumns =
    "id, observation_id, task_id, outcome, reason, counts, created_ms, feedback, "
    "corrected_label, satisfaction, feedback_by, reference_observation_id, reason_detail";
AssessmentRecord ReadAssessment(const Statement& st);

inline constexpr std::string_view kActionRunColumns =
    "id, assessment_id, task_id, type, target, idempotency_key, payload, status, attempts, "
    "next_attempt_ms, attempt_log, last_error, created_ms, updated_ms, result";
ActionRunRecord ReadActionRun(const Statement& st);

// "a, b" with alias "t" -> "t.a, t.b" (for joins).
std::string Prefixed(std::string_view columns, std::string_view alias);

// "SELECT <columns> FROM <table> <rest>".
std::string Select(std::string_view columns, std::string_view table, std::string_view rest);

}  // namespace tilsyn::store::sql
