#include "server/openapi.h"

#include <map>

namespace tilsyn::server {
namespace {

Json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
Json Str() { return {{"type", "string"}}; }
Json Num() { return {{"type", "number"}}; }
Json Int() { return {{"type", "integer"}}; }
Json Bool() { return {{"type", "boolean"}}; }
Json Time() { return {{"type", "string"}, {"format", "date-time"}}; }
Json Obj(Json props, std::vector<std::string> required = {}) {
  Json j = {{"type", "object"}, {"properties", std::move(props)}};
  if (!required.empty()) j["required"] = required;
  return j;
}
Json ArrayOf(Json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
Json Counts() { return {{"type", "object"}, {"additionalProperties", Int()}}; }
Json Enum(std::vector<std::string> values) { return {{"type", "string"}, {"enum", values}}; }

const std::map<std::string, Json>& Schemas() {
  static const std::map<std::string, Json> kSchemas = [] {
    std::map<std::string, Json> s;
    s["Error"] = Obj({{"error", Obj({{"code", Str()}, {"message", Str()}, {"field", Str()}},
                                    {"code", "message"})}},
                     {"error"});
    s["Health"] = Obj({{"status", Str()}});
    s["UiConfig"] = Obj({{"tile_url", Str()}});
    s["Me"] = Obj({{"subject", Str()},
                   {"role", Enum({"admin", "inspector", "dpo", "vehicle"})},
                   {"units", ArrayOf(Str())},
                   {"csrf_token", Str()}});
    s["Login"] = Obj({{"name", Str()}, {"password", Str()}}, {"name", "password"});
    s["Session"] = Obj({{"name", Str()},
                        {"role", Enum({"admin", "inspector", "dpo"})},
                        {"units", ArrayOf(Str())},
                        {"csrf_token", Str()},
                        {"expires_at", Time()}});
    s["UserCreate"] = Obj({{"name", Str()},
                           {"role", Enum({"admin", "inspector", "dpo"})},
                           {"password", Str()},
                           {"units", ArrayOf(Str())}},
                          {"name", "role", "password"});
    s["UserChange"] = Obj({{"role", Enum({"admin", "inspector", "dpo"})},
                           {"password", Str()},
                           {"units", ArrayOf(Str())},
                           {"disabled", Bool()}});
    s["User"] = Obj({{"name", Str()},
                     {"role", Enum({"admin", "inspector", "dpo"})},
                     {"units", ArrayOf(Str())},
                     {"disabled", Bool()},
                     {"locked", Bool()},
                     {"created_at", Time()},
                     {"updated_at", Time()}});
    s["RecordFacts"] = Obj({{"controller", Str()},
                            {"controller_contact", Str()},
                            {"dpo_contact", Str()},
                            {"transfers", Str()},
                            {"security_measures", Str()},
                            {"purposes", {{"type", "object"}}}});
    s["SubjectRequest"] = Obj(
        {{"reference", Str()},
         {"area", {{"type", "object"}, {"description", "GeoJSON Point (+radius_m) or Polygon"}}},
         {"from", Time()},
         {"to", Time()}},
        {"reference", "area", "from", "to"});
    s["SubjectMatches"] = Obj({{"reference", Str()},
                               {"request", {{"type", "object"}}},
                               {"observations", ArrayOf({{"type", "object"}})}});
    s["SubjectErasure"] = Obj({{"reference", Str()},
                               {"erased", ArrayOf(Str())},
                               {"kept_legal_hold", ArrayOf(Str())},
                               {"still_processing", ArrayOf(Str())}});
    s["OpenApi"] = {{"type", "object"}};
    s["Permit"] = Obj(
        {{"id", Str()},
         {"holder", Str()},
         {"kind", Str()},
         {"area", {{"type", "object"}, {"description", "GeoJSON Point (+radius_m) or Polygon"}}},
         {"valid_from", Str()},
         {"valid_to", Str()}},
        {"id", "area", "valid_from", "valid_to"});
    Json box = Obj({{"label", Str()}, {"x", Int()}, {"y", Int()}, {"w", Int()}, {"h", Int()}},
                   {"label", "x", "y", "w", "h"});
    s["RetentionQueue"] =
        Obj({{"images", ArrayOf(Obj({{"observation_id", Str()},
                                     {"task_id", Str()},
                                     {"task_title", Str()},
                                     {"captured_at", Str()},
                                     {"stored_at", Str()},
                                     {"delete_after", Str()},
                                     {"legal_hold", {{"type", "boolean"}}},
                                     {"reason", Enum({"finding", "reference", "marked_reference",
                                                      "documentation", "inconclusive_review",
                                                      "awaiting_assessment", "legal_hold"})}}))}});
    s["ReferencePut"] = Obj({{"observation_id", Str()}}, {"observation_id"});
    s["Reference"] = Obj({{"task_id", Str()},
                          {"observation_id", Str()},
                          {"source", Enum({"marked", "first", "none"})},
                          {"captured_at", Str()},
                          {"marked_by", Str()},
                          {"marked_at", Str()}});
    s["AnnotationsPut"] =
        Obj({{"boxes", ArrayOf(box)}, {"complete_for", ArrayOf(Str())}}, {"boxes"});
    s["Annotations"] = Obj({{"observation_id", Str()},
                            {"task_id", Str()},
                            {"width", Int()},
                            {"height", Int()},
                            {"boxes", ArrayOf(Obj({{"label", Str()},
                                                   {"x", Int()},
                                                   {"y", Int()},
                                                   {"w", Int()},
                                                   {"h", Int()},
                                                   {"labelled_by", Str()},
                                                   {"labelled_at", Str()}}))},
                            {"complete_for", ArrayOf(Str())}});
    s["CaseEvent"] = Obj({{"status", Enum({"open", "in_progress", "handled", "dismissed"})},
                          {"step", Enum({"advice", "follow_up", "order", "police_report"})},
                          {"step_date", Str()},
                          {"note", Str()},
                          {"assignee", Str()}});
    s["Case"] = Obj({{"status", Str()},
                     {"assignee", Str()},
                     {"events", ArrayOf(Obj({{"at", Str()}, {"user", Str()}}))}});
    s["PermitList"] = Obj({{"permits", {{"type", "array"}, {"items", Ref("Permit")}}}});
    s["Capabilities"] =
        Obj({{"labels",
              {{"type", "array"},
               {"items", Obj({{"label", Str()},
                              {"services", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                              {"data_classes", {{"type", "array"}, {"items", Str()}}}})}}}});
    Json geometry = {
        {"type", "object"},
        {"description", "GeoJSON Point (+radius_m), Polygon, or LineString (+buffer_m); WGS84"},
        {"properties",
         {{"type", Enum({"Point", "Polygon", "LineString"})},
          {"coordinates", {{"type", "array"}, {"items", {}}}},
          {"radius_m", Num()},
          {"buffer_m", Num()}}}};
    Json schedule =
        Obj({{"valid_from", Time()},
             {"valid_to", Time()},
             {"time_zone", Str()},
             {"min_interval_s", Int()},
             {"windows", ArrayOf(Obj({{"weekday", Int()}, {"start", Str()}, {"end", Str()}}))}},
            {"valid_from", "valid_to"});
    Json task_props = {
        {"title", Str()},
        {"unit", Str()},
        {"kind", Enum({"presence", "absence", "count"})},
        {"targets", ArrayOf(Obj({{"label", Str()}, {"min_confidence", Num()}}, {"label"}))},
        {"area", geometry},
        {"heading_deg", Num()},
        {"heading_tolerance_deg", Num()},
        {"max_speed_kmh", Num()},
        {"schedule", schedule},
        {"rule", Obj({{"min_count", Int()}, {"max_count", Int()}, {"min_box_height_px", Int()}})},
        {"actions",
         ArrayOf(Obj({{"type", Enum({"log", "webhook"})},
                      {"on", ArrayOf(Enum({"ok", "finding", "inconclusive", "unvisited"}))},
                      {"url", Str()},
                      {"secret", Str()}},
                     {"type", "on"}))},
        {"retention",
         Obj({{"evidence_days", Int()}, {"keep_non_findings", Bool()}, {"legal_hold", Bool()}})},
        {"data_class", Enum({"local", "internal", "external"})}};
    s["TaskInput"] = Obj(task_props, {"title", "kind", "targets", "area", "schedule"});
    Json task_out = task_props;
    task_out["id"] = Str();
    task_out["owner"] = Str();
    task_out["status"] = Enum({"draft", "active", "paused", "completed", "cancelled"});
    task_out["revision"] = Int();
    task_out["created_at"] = Time();
    task_out["updated_at"] = Time();
    s["Task"] = Obj(task_out);
    s["TaskList"] = Obj({{"tasks", ArrayOf(Ref("Task"))}});
    s["VehicleInput"] =
        Obj({{"name", Str()}, {"kind", Str()}, {"lane", Enum({"roadway", "bike_lane", "both"})}},
            {"name"});
    s["Vehicle"] =
        Obj({{"id", Str()},
             {"name", Str()},
             {"kind", Str()},
             {"lane", Str()},
             {"created_at", Time()},
             {"last_position", Obj({{"lat", Num()}, {"lon", Num()}, {"at", Time()}})},
             {"fleet", Obj({{"heartbeat", Ref("Heartbeat")},
                            {"received_at", Time()},
                            {"warnings", ArrayOf(Enum({"silent", "no_fix", "camera",
                                                       "outbox_growing", "config_error"}))}})}});
    s["Heartbeat"] = Obj(
        {{"sent_at", Time()},
         {"software_version", Str()},
         {"config_version", Int()},
         {"config_error", Str()},
         {"camera",
          Enum({"connecting", "streaming", "stale", "reconnecting", "stopped", "replay"})},
         {"outbox", Obj({{"depth", Int()}, {"oldest_age_s", Num()}, {"dropped", Int()}},
                        {"depth", "oldest_age_s"})},
         {"fix", Obj({{"lat", Num()}, {"lon", Num()}, {"accuracy_m", Num()}, {"time", Time()}})},
         {"clock_offset_ms", Int()}},
        {"sent_at", "software_version", "config_version", "camera", "outbox"});
    s["HeartbeatReceived"] = Obj({{"received_at", Time()}, {"config_version", Int()}});
    s["AgentConfigInput"] = Obj({{"settings", {{"type", "object"}}}}, {"settings"});
    s["AgentConfig"] = Obj({{"version", Int()},
                            {"settings", {{"type", "object"}}},
                            {"created_at", Time()},
                            {"created_by", Str()}});
    s["VehicleList"] = Obj({{"vehicles", ArrayOf(Ref("Vehicle"))}});
    s["TokenIssued"] = Obj({{"token", Str()}, {"role", Str()}, {"vehicle_id", Str()}});
    s["Job"] = Obj({{"id", Str()},
                    {"task_id", Str()},
                    {"version", Int()},
                    {"active", Bool()},
                    {"area", geometry},
                    {"schedule", schedule},
                    {"heading_deg", Num()},
                    {"heading_tolerance_deg", Num()},
                    {"max_speed_kmh", Num()},
                    {"targets", ArrayOf(Str())}});
    s["JobSync"] = Obj(
        {{"version", Int()}, {"jobs", ArrayOf(Ref("Job"))}, {"agent_config", Ref("AgentConfig")}});
    s["TaskCoverage"] = Obj({{"task_id", Str()},
                             {"computed", {{"type", "boolean"}}},
                             {"report", {{"type", "object"}}},
                             {"site", {{"type", "object"}}},
                             {"planner", {{"type", "object"}}}});
    s["NetworkFeatures"] =
        Obj({{"type", Enum({"FeatureCollection"})},
             {"features",
              ArrayOf(Obj({{"type", Enum({"Feature"})},
                           {"geometry", Obj({{"type", Enum({"LineString"})},
                                             {"coordinates", ArrayOf(ArrayOf(Num()))}})},
                           {"properties", Obj({{"kind", Enum({"roadway", "cycle_track"})}})}}))},
             {"segments", Int()},
             {"matched", Int()},
             {"truncated", Bool()},
             {"limit", Int()},
             {"network_segments", Int()}},
            {"type", "features"});
    s["ObservationMetadata"] = Obj({{"id", Str()},
                                    {"job_id", Str()},
                                    {"captured_at", Time()},
                                    {"lat", Num()},
                                    {"lon", Num()},
                                    {"heading_deg", Num()},
                                    {"speed_kmh", Num()},
                                    {"accuracy_m", Num()},
                                    {"anonymization", {{"type", "object"}}}},
                                   {"id", "job_id", "captured_at", "lat", "lon"});
    s["ObservationUpload"] = Obj({{"metadata", Ref("ObservationMetadata")},
                                  {"image", {{"type", "string"}, {"format", "binary"}}}},
                                 {"metadata", "image"});
    s["ObservationAccepted"] = Obj({{"id", Str()}, {"state", Str()}, {"created", Bool()}});
    s["Observation"] = Obj({{"id", Str()},
                            {"task_id", Str()},
                            {"job_id", Str()},
                            {"vehicle_id", Str()},
                            {"captured_at", Time()},
                            {"lat", Num()},
                            {"lon", Num()},
                            {"has_image", Bool()},
                            {"image_sha256", Str()},
                            {"anonymization", {{"type", "object"}}},
                            {"state", Enum({"received", "stored", "assessed", "done", "failed"})},
                            {"error", Str()},
                            {"attempts", Int()},
                            {"received_at", Time()},
                            {"location_erased_at", Time()},
                            {"assessment_id", Str()}});
    s["Assessment"] = Obj({{"id", Str()},
                           {"observation_id", Str()},
                           {"task_id", Str()},
                           {"outcome", Enum({"ok", "finding", "inconclusive"})},
                           {"reason", Str()},
                           {"counts", Counts()},
                           {"created_at", Time()},
                           {"feedback", Obj({{"verdict", Str()},
                                             {"corrected_label", Str()},
                                             {"satisfaction", Int()},
                                             {"by", Str()}})}});
    s["AssessmentList"] = Obj({{"assessments", ArrayOf(Ref("Assessment"))}});
    s["RecognitionRun"] = Obj({{"id", Str()},
                               {"service", Str()},
                               {"label", Str()},
                               {"position", Int()},
                               {"started_at", Time()},
                               {"finished_at", Time()},
                               {"ms", Int()},
                               {"detections", ArrayOf({{"type", "object"}})},
                               {"good_enough", Bool()},
                               {"error", Str()}});
    s["ActionRun"] = Obj({{"id", Str()},
                          {"assessment_id", Str()},
                          {"task_id", Str()},
                          {"type", Str()},
                          {"target", Str()},
                          {"idempotency_key", Str()},
                          {"status", Enum({"pending", "succeeded", "failed"})},
                          {"attempts", Int()},
                          {"next_attempt_at", Time()},
                          {"attempt_log", ArrayOf({{"type", "object"}})},
                          {"last_error", Str()},
                          {"created_at", Time()},
                          {"updated_at", Time()}});
    s["ActionRunList"] = Obj({{"action_runs", ArrayOf(Ref("ActionRun"))}});
    s["AssessmentDetail"] = {{"allOf",
                              {Ref("Assessment"), Obj({{"runs", ArrayOf(Ref("RecognitionRun"))},
                                                       {"actions", ArrayOf(Ref("ActionRun"))}})}}};
    s["Feedback"] = Obj({{"verdict", Enum({"correct", "wrong", "corrected"})},
                         {"corrected_label", Str()},
                         {"satisfaction", {{"type", "integer"}, {"minimum", 1}, {"maximum", 5}}}},
                        {"verdict"});
    s["ServiceStats"] = Obj({{"service", Str()},
                             {"label", Str()},
                             {"calls", Int()},
                             {"good_enough", Int()},
                             {"good_enough_rate", Num()},
                             {"errors", Int()},
                             {"timeouts", Int()},
                             {"fallbacks", Int()},
                             {"p50_ms", Num()},
                             {"p95_ms", Num()},
                             {"feedback_correct", Int()},
                             {"feedback_wrong", Int()},
                             {"precision", Num()}});
    s["ServiceStatsList"] = Obj({{"services", ArrayOf(Ref("ServiceStats"))}});
    s["TaskStats"] = Obj({{"task_id", Str()},
                          {"title", Str()},
                          {"assessments", Int()},
                          {"with_feedback", Int()},
                          {"correct", Int()},
                          {"wrong", Int()},
                          {"corrected", Int()},
                          {"precision", Num()},
                          {"rated", Int()},
                          {"satisfaction_mean", Num()}});
    s["TaskStatsList"] = Obj({{"tasks", ArrayOf(Ref("TaskStats"))}});
    s["Summary"] = Obj({{"observations", Counts()},
                        {"assessments", Counts()},
                        {"action_runs", {{"type", "object"}, {"additionalProperties", Counts()}}},
                        {"images", Obj({{"kept", Int()}, {"deleted", Int()}})}});
    return s;
  }();
  return kSchemas;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// "/api/v1/tasks/{id}/activate" + POST → "post_tasks_id_activate".
std::string OperationId(const RouteSpec& r) {
  std::string id = Lower(r.method);
  std::string path = r.pattern;
  const std::string prefix = "/api/v1";
  if (path.rfind(prefix, 0) == 0) path = path.substr(prefix.size());
  for (char c : path) {
    if (c == '/' || c == '-' || c == '.') {
      if (id.back() != '_') id.push_back('_');
    } else if (c != '{' && c != '}') {
      id.push_back(c);
    }
  }
  while (id.back() == '_') id.pop_back();
  return id;
}

Json ErrorResponse(const std::string& description) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", Ref("Error")}}}}}};
}

Json Operation(const RouteSpec& r) {
  Json op = {{"operationId", OperationId(r)}, {"summary", r.summary}};
  if (!r.tag.empty()) op["tags"] = Json::array({r.tag});
  Json params = Json::array();
  size_t pos = 0;
  while ((pos = r.pattern.find('{', pos)) != std::string::npos) {
    size_t end = r.pattern.find('}', pos);
    params.push_back({{"name", r.pattern.substr(pos + 1, end - pos - 1)},
                      {"in", "path"},
                      {"required", true},
                      {"schema", Str()}});
    pos = end;
  }
  for (const auto& q : r.query) {
    params.push_back({{"name", q}, {"in", "query"}, {"required", false}, {"schema", Str()}});
  }
  if (!params.empty()) op["parameters"] = params;
  if (!r.request_schema.empty()) {
    op["requestBody"] = {
        {"required", true},
        {"content", {{r.request_content_type, {{"schema", Ref(r.request_schema)}}}}}};
  }
  Json responses = Json::object();
  Json ok = {{"description", "success"}};
  if (!r.response_schema.empty()) {
    ok["content"] = {{"application/json", {{"schema", Ref(r.response_schema)}}}};
  }
  responses[std::to_string(r.success_status)] = ok;
  if (r.success_status == 201 && r.request_content_type == "multipart/form-data") {
    responses["200"] = {{"description", "a repeated upload (idempotent)"},
                        {"content", {{"application/json", {{"schema", Ref(r.response_schema)}}}}}};
  }
  if (!r.request_schema.empty() || !r.query.empty()) {
    responses["400"] = ErrorResponse("invalid input; error.field names it");
  }
  if (!r.roles.empty()) {
    responses["401"] = ErrorResponse("missing or unknown bearer token");
    responses["403"] = ErrorResponse("role not allowed");
    Json roles = Json::array();
    for (auto role : r.roles) roles.push_back(std::string(store::ToString(role)));
    op["x-roles"] = roles;
    op["security"] = Json::array({{{"bearer", Json::array()}}});
  } else {
    op["security"] = Json::array();
  }
  if (r.pattern.find('{') != std::string::npos) responses["404"] = ErrorResponse("unknown id");
  if (r.method == "POST" && r.pattern.find("/tasks/{id}/") != std::string::npos) {
    responses["412"] = ErrorResponse("status change not allowed");
  }
  if (r.request_content_type == "multipart/form-data") {
    responses["412"] = ErrorResponse("matches no active job");
    responses["413"] = ErrorResponse("body over the limit");
    responses["415"] = ErrorResponse("not multipart or image not a JPEG");
  }
  op["responses"] = responses;
  return op;
}

}  // namespace

std::vector<std::string> OpenApiSchemaNames() {
  std::vector<std::string> out;
  for (const auto& [name, schema] : Schemas()) out.push_back(name);
  return out;
}

Json BuildOpenApi(const std::vector<RouteSpec>& routes) {
  Json paths = Json::object();
  for (const RouteSpec& r : routes) paths[r.pattern][Lower(r.method)] = Operation(r);
  Json schemas = Json::object();
  for (const auto& [name, schema] : Schemas()) schemas[name] = schema;
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "Tilsyn API"},
            {"version", "1"},
            {"description",
             "Camera-based municipal inspections: tasks, capture jobs, observations, "
             "assessments, actions and statistics. Errors are {\"error\": {code, message, "
             "field}}."}}},
          {"servers", Json::array({{{"url", "/"}}})},
          {"paths", paths},
          {"components",
           {{"schemas", schemas},
            {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace tilsyn::server
