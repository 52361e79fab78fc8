// Records persisted by a Store, besides Task and CaptureJob (tasks/). Plain value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"

namespace tilsyn::store {

struct Vehicle {
  std::string id;  // UUID
  std::string name;
  std::string kind = "sweeper";  // sweeper, waste_truck, …
  std::string lane = "roadway";  // roadway, bike_lane, both
  TimeMs created_ms = 0;
  std::optional<double> last_lat, last_lon;
  std::optional<TimeMs> last_seen_ms;
  // The newest heartbeat (tasks/heartbeat.h, as JSON text) and the one before it; "" = none.
  std::string heartbeat_json, prev_heartbeat_json;
  std::optional<TimeMs> heartbeat_ms;  // when the server received the newest
};

// A version of the agent settings the server may change (tasks/agent_settings.h).
// A JSON document kept in versions (each change a new one): the agent settings, the processing
// record's facts.
struct VersionedDocument {
  int64_t version = 0;  // 1, 2, … (assigned by the store)
  std::string json;     // the document (an object)
  TimeMs created_ms = 0;
  std::string created_by;
};
using AgentSettingsRecord = VersionedDocument;

enum class Role { kAdmin, kInspector, kDpo, kVehicle };
std::string_view ToString(Role r);
std::optional<Role> ParseRole(std::string_view s);

// A bearer token; only its SHA-256 is stored.
struct TokenRecord {
  std::string token_hash;  // hex SHA-256 of the token
  Role role = Role::kInspector;
  std::string subject;  // user name, or the vehicle id for Role::kVehicle
  TimeMs created_ms = 0;
  TimeMs expires_ms = 0;  // 0 = never
  TimeMs revoked_ms = 0;  // 0 = not revoked
};

// A named person's account (web UI login). The password is kept only as an argon2id hash
// (server/password.h). `units` are the ordering departments an inspector works for: with any,
// the inspector sees and edits only tasks of those units (and tasks with none).
struct UserRecord {
  std::string name;
  Role role = Role::kInspector;  // admin, inspector or dpo (never vehicle)
  std::string password_hash;
  std::vector<std::string> units;
  int64_t failed_logins = 0;   // consecutive failures since the last success or lockout
  TimeMs locked_until_ms = 0;  // logins refused until then
  bool disabled = false;
  TimeMs created_ms = 0;
  TimeMs updated_ms = 0;
};

// A web session: the cookie's value is kept only as its SHA-256; `csrf` is the token the web UI
// must echo in X-CSRF-Token on every request that changes something.
struct SessionRecord {
  std::string id_hash;
  std::string user;
  std::string csrf;
  TimeMs created_ms = 0;
  TimeMs expires_ms = 0;
};

// An observation moves (received →) stored → assessed → done (or failed, with `error`).
//   received: the upload as the vehicle sent it (anonymized there), in the encrypted blob store's
//             quarantine: waiting for the server's own anonymization pass, readable by no
//             endpoint (privacy invariant 2); the pass replaces the bytes and makes it stored
//   stored:   anonymized image in the blob store, waiting for recognition
//   assessed: recognition runs, assessment and action runs recorded; image retention pending
//   done:     image deleted or given its deadline
enum class ObservationState { kReceived, kStored, kAssessed, kDone, kFailed };
std::string_view ToString(ObservationState s);
std::optional<ObservationState> ParseObservationState(std::string_view s);

struct Observation {
  std::string id;  // UUID made on the vehicle; idempotency key
  std::string task_id;
  std::string job_id;
  std::string vehicle_id;
  TimeMs captured_ms = 0;
  double lat = 0, lon = 0;
  std::optional<double> heading_deg, speed_kmh, accuracy_m;
  std::string blob_key;                 // empty after the image was deleted
  std::string image_sha256;             // of the stored (anonymized, re-encoded) JPEG
  Json anonymization = Json::object();  // report from vehicle and server
  ObservationState state = ObservationState::kStored;
  std::string error;
  int attempts = 0;  // pipeline attempts
  TimeMs received_ms = 0;
  TimeMs updated_ms = 0;
  // When what it says of where a vehicle was (position, heading, speed, accuracy, vehicle) was
  // erased (location retention or a data subject's request); lat/lon are then 0.
  std::optional<TimeMs> location_erased_ms;
};

// The data-subject search (ObservationStore::ObservationsCapturedIn): captured in
// [from_ms, to_ms] with a position inside the box, at most `limit`. Paging: with `after_id`, only
// observations after (from_ms, after_id) in (capture time, id) order.
struct CaptureQuery {
  TimeMs from_ms = 0, to_ms = 0;
  std::string after_id;
  double min_lat = 0, min_lon = 0, max_lat = 0, max_lon = 0;
  int limit = 0;
};

// True while the server's anonymization pass has not replaced the uploaded bytes: the observation
// is received, or failed before the pass (its server report is still null). Its image must not be
// served, exported, recognised or forwarded.
bool AwaitsServerAnonymization(const Observation& obs);

struct RecognitionRunRecord {
  std::string id;
  std::string observation_id;
  std::string service;
  std::string label;  // the task's primary target label
  int position = 0;   // 0 = first service asked, 1 = first fallback, …
  TimeMs started_ms = 0, finished_ms = 0;
  Json detections = Json::array();
  bool good_enough = false;
  std::string error;  // empty on success
};

struct AssessmentRecord {
  std::string id;
  std::string observation_id;
  std::string task_id;
  std::string outcome;  // ok | finding | inconclusive
  std::string reason;   // in English
  // The reason as a code with its parameters (tasks/rules.h), said in the reader's language by
  // the web UI; "" for assessments stored before schema 16.
  std::string reason_code;
  Json reason_params = Json::object();
  Json counts = Json::object();  // label -> count
  TimeMs created_ms = 0;
  // Inspector feedback (empty until given).
  std::string feedback;  // correct | wrong | corrected
  std::string corrected_label;
  std::optional<int> satisfaction;  // 1..5
  std::string feedback_by;
  // Tasks that compare with a reference: the observation this one was compared with ("" = none,
  // e.g. the reference itself).
  std::string reference_observation_id;
};

// The reference image an inspector chose for a task (observation_store.h).
struct ReferenceMark {
  std::string task_id;
  std::string observation_id;
  std::string marked_by;
  TimeMs marked_ms = 0;
};

enum class ActionStatus { kPending, kSucceeded, kFailed };
std::string_view ToString(ActionStatus s);
std::optional<ActionStatus> ParseActionStatus(std::string_view s);

struct ActionRunRecord {
  std::string id;
  std::string assessment_id;
  std::string task_id;
  std::string type;               // log | webhook | email | open311
  std::string target;             // URL for webhooks and Open311, recipients for e-mail
  std::string idempotency_key;    // unique
  Json payload = Json::object();  // what is delivered
  ActionStatus status = ActionStatus::kPending;
  int attempts = 0;
  TimeMs next_attempt_ms = 0;
  Json attempt_log = Json::array();  // [{at, status_code, error}]
  std::string last_error;
  TimeMs created_ms = 0;
  TimeMs updated_ms = 0;
  // What the receiver answered that later steps need, e.g. Open311's {"service_request_id",
  // "status", "status_notes", "checked_ms"}.
  Json result = Json::object();
};

// A stored image and its deadline.
struct BlobRecord {
  std::string key;
  std::string observation_id;
  std::string task_id;
  int64_t size = 0;
  TimeMs created_ms = 0;
  std::optional<TimeMs> delete_after_ms;  // the deadline; every stored image gets one
  std::optional<TimeMs> deleted_ms;
  std::string deleted_reason;  // "no_finding", "retention", …
};

// Per service × label aggregates of recognition runs.
struct ServiceStats {
  std::string service;
  std::string label;
  int64_t calls = 0;
  int64_t good_enough = 0;
  int64_t errors = 0;     // failed runs, timeouts included
  int64_t timeouts = 0;   // failed runs whose error starts with "timeout"
  int64_t fallbacks = 0;  // runs at position > 0
  double p50_ms = 0, p95_ms = 0;
  int64_t feedback_correct = 0, feedback_wrong = 0;
};

// Inspector feedback and satisfaction per task.
struct TaskFeedbackStats {
  std::string task_id;
  std::string title;
  int64_t assessments = 0;
  int64_t with_feedback = 0;
  int64_t correct = 0, wrong = 0, corrected = 0;
  int64_t rated = 0;                        // assessments with a satisfaction score
  std::optional<double> satisfaction_mean;  // 1..5; empty when none rated
};

// The pilot's evaluation (server/evaluation.h): one assessment made in the period, with its
// observation's capture time, the inspector's verdict and whether the first service asked was
// good enough (empty when no run was recorded).
struct EvaluationAssessment {
  std::string task_id;
  TimeMs assessed_ms = 0, captured_ms = 0;
  std::string outcome;   // ok | finding | inconclusive
  std::string feedback;  // "" | correct | wrong | corrected
  std::optional<bool> first_good_enough;
};

// One image of an observation captured in the period, and what became of it.
struct EvaluationImage {
  std::string task_id;
  TimeMs captured_ms = 0;
  std::optional<TimeMs> delete_after_ms, deleted_ms;
};

}  // namespace tilsyn::store
