#include "store/sql/sql_rows.h"

namespace tilsyn::store::sql {

Json ParseJsonColumn(const std::string& text, const Json& fallback) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fallback;
  return j;
}

std::string Select(std::string_view columns, std::string_view table, std::string_view rest) {
  std::string sql = "SELECT ";
  sql.append(columns).append(" FROM ").append(table).append(" ").append(rest);
  return sql;
}

std::string Prefixed(std::string_view columns, std::string_view alias) {
  std::string out;
  while (true) {
    size_t comma = columns.find(',');
    std::string_view col = columns.substr(0, comma);
    while (!col.empty() && col.front() == ' ') col.remove_prefix(1);
    if (!out.empty()) out += ", ";
    out.append(alias).append(".").append(col);
    if (comma == std::string_view::npos) return out;
    columns.remove_prefix(comma + 1);
  }
}

Vehicle ReadVehicle(const Statement& st) {
  Vehicle v;
  v.id = st.Text(0);
  v.name = st.Text(1);
  v.kind = st.Text(2);
  v.lane = st.Text(3);
  v.created_ms = st.Int(4);
  v.last_lat = st.OptDouble(5);
  v.last_lon = st.OptDouble(6);
  v.last_seen_ms = st.OptInt(7);
  v.heartbeat_json = st.Text(8);
  v.prev_heartbeat_json = st.Text(9);
  v.heartbeat_ms = st.OptInt(10);
  return v;
}

Observation ReadObservation(const Statement& st) {
  Observation o;
  o.id = st.Text(0);
  o.task_id = st.Text(1);
  o.job_id = st.Text(2);
  o.vehicle_id = st.Text(3);
  o.captured_ms = st.Int(4);
  o.lat = st.Double(5);
  o.lon = st.Double(6);
  o.heading_deg = st.OptDouble(7);
  o.speed_kmh = st.OptDouble(8);
  o.accuracy_m = st.OptDouble(9);
  o.blob_key = st.Text(10);
  o.image_sha256 = st.Text(11);
  o.anonymization = ParseJsonColumn(st.Text(12), Json::object());
  // An unknown state (written by a newer binary) reads as failed so it is visible, not lost.
  o.state = ParseObservationState(st.Text(13)).value_or(ObservationState::kFailed);
  o.error = st.Text(14);
  o.attempts = static_cast<int>(st.Int(15));
  o.received_ms = st.Int(16);
  o.updated_ms = st.Int(17);
  o.location_erased_ms = st.OptInt(18);
  return o;
}

BlobRecord ReadBlob(const Statement& st) {
  BlobRecord b;
  b.key = st.Text(0);
  b.observation_id = st.Text(1);
  b.task_id = st.Text(2);
  b.size = st.Int(3);
  b.created_ms = st.Int(4);
  b.delete_after_ms = st.OptInt(5);
  b.deleted_ms = st.OptInt(6);
  b.deleted_reason = st.Text(7);
  return b;
}

RecognitionRunRecord ReadRun(const Statement& st) {
  RecognitionRunRecord r;
  r.id = st.Text(0);
  r.observation_id = st.Text(1);
  r.service = st.Text(2);
  r.label = st.Text(3);
  r.position = static_cast<int>(st.Int(4));
  r.started_ms = st.Int(5);
  r.finished_ms = st.Int(6);
  r.detections = ParseJsonColumn(st.Text(7), Json::array());
  r.good_enough = st.Int(8) != 0;
  r.error = st.Text(9);
  return r;
}

AssessmentRecord ReadAssessment(const Statement& st) {
  AssessmentRecord a;
  a.id = st.Text(0);
  a.observation_id = st.Text(1);
  a.task_id = st.Text(2);
  a.outcome = st.Text(3);
  a.reason = st.Text(4);
  a.counts = ParseJsonColumn(st.Text(5), Json::object());
  a.created_ms = st.Int(6);
  a.feedback = st.Text(7);
  a.corrected_label = st.Text(8);
  if (auto s = st.OptInt(9)) a.satisfaction = static_cast<int>(*s);
  a.feedback_by = st.Text(10);
  a.reference_observation_id = st.Text(11);
  const Json detail = ParseJsonColumn(st.Text(12), Json::object());
  if (detail.is_object()) {
    a.reason_code = detail.value("code", "");
    if (detail.contains("params") && detail["params"].is_object())
      a.reason_params = detail["params"];
  }
  return a;
}

ActionRunRecord ReadActionRun(const Statement& st) {
  ActionRunRecord r;
  r.id = st.Text(0);
  r.assessment_id = st.Text(1);
  r.task_id = st.Text(2);
  r.type = st.Text(3);
  r.target = st.Text(4);
  r.idempotency_key = st.Text(5);
  r.payload = ParseJsonColumn(st.Text(6), Json::object());
  r.status = ParseActionStatus(st.Text(7)).value_or(ActionStatus::kFailed);
  r.attempts = static_cast<int>(st.Int(8));
  r.next_attempt_ms = st.Int(9);
  r.attempt_log = ParseJsonColumn(st.Text(10), Json::array());
  r.last_error = st.Text(11);
  r.created_ms = st.Int(12);
  r.updated_ms = st.Int(13);
  r.result = ParseJsonColumn(st.Text(14), Json::object());
  return r;
}

}  // namespace tilsyn::store::sql
