// Task: an inspector's order — what to look for, where, when, the rule that turns detections into
// an outcome, the actions per outcome and how long evidence is kept. Plain value type.
// JSON (de)serialisation with field-naming validation is in task_json.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "geo/geofence.h"

namespace tilsyn::tasks {

// presence/absence/count: a target label; condition: a damage label (present = finding), or
// target "change": the object in the site's reference image (a sign, a bench) must look the
// same in the region of interest (changed beyond rule.change_threshold = missing, obscured or
// damaged); text: sign text (targets "text", rule.expected_text); before_after: change against the
// site's reference image (targets "change", rule.change_threshold); permit_check: an object (a
// change against the empty site's reference image, or a detector's label) must be covered by a
// permit valid at the capture time within rule.permit_distance_m. Assessment: tasks/rules.h.
enum class TaskKind { kPresence, kAbsence, kCount, kCondition, kText, kBeforeAfter, kPermitCheck };
enum class TaskStatus { kDraft, kActive, kPaused, kCompleted, kCancelled };
enum class Outcome { kOk, kFinding, kInconclusive };

std::string_view ToString(TaskKind k);
std::string_view ToString(TaskStatus s);
std::string_view ToString(Outcome o);
std::optional<TaskKind> ParseTaskKind(std::string_view s);
std::optional<TaskStatus> ParseTaskStatus(std::string_view s);
std::optional<Outcome> ParseOutcome(std::string_view s);
struct Task;
// before_after, permit_check and condition-by-change compare each image with the site's
// reference image (the one an inspector marked, else the first one kept), which is itself kept
// as documentation.
bool ComparesWithReference(const Task& t);

struct Target {
  std::string label;            // e.g. "person"
  double min_confidence = 0.5;  // a detection at or above this counts
};

// One weekly window in the task's time zone: [start_minute, end_minute) on `weekday`.
struct WeeklyWindow {
  int weekday = 0;        // 0 = Monday … 6 = Sunday
  int start_minute = 0;   // 0 … 1439
  int end_minute = 1440;  // 1 … 1440, > start_minute
};

struct Schedule {
  TimeMs valid_from = 0;  // inclusive
  TimeMs valid_to = 0;    // exclusive; > valid_from
  std::string time_zone = "Europe/Copenhagen";
  std::vector<WeeklyWindow> windows;  // empty = any time within validity
  int64_t min_interval_s = 0;         // between two observations of one vehicle
};

// A region of the reference image, as fractions of its width and height (0..1): change is
// measured only there (the parking lane of a permit site, the sign of a condition check).
struct Roi {
  double x = 0, y = 0, w = 1, h = 1;
};

struct Rule {
  // count: the outcome is ok when min_count <= n <= max_count, else a finding.
  int64_t min_count = 0;
  std::optional<int64_t> max_count;
  // count: only detections with at least this box height in pixels are counted (0 = all).
  int min_box_height_px = 0;
  // text: the expected sign text, matched fuzzily (normalised Levenshtein similarity of the
  // case- and punctuation-folded strings >= min_similarity).
  std::string expected_text;
  double min_similarity = 0.8;
  // before_after: a finding when the changed-area fraction exceeds this (0..1). permit_check
  // with target "change": an object is present above it.
  double change_threshold = 0.05;
  // permit_check: permits count within this distance of the observation (Amsterdam uses 40 m),
  // and only permits of this kind ("" = any).
  double permit_distance_m = 40;
  std::string permit_kind;
  // Tasks that compare with the reference: the region to compare (nullopt = the whole view).
  std::optional<Roi> roi;
};

struct ActionSpec {
  std::string type;                  // "log", "webhook", "email", "open311" or "contractor"
  std::vector<Outcome> on;           // outcomes that trigger it
  std::string url;                   // webhook only
  std::string secret;                // webhook HMAC key; never returned by the API
  std::vector<std::string> to = {};  // email only: recipients
  std::string language = "da";       // email only: "da" or "en"
  // open311 only: the case system's service code and jurisdiction (url is its endpoint base,
  // secret its api_key).
  std::string service_code = "", jurisdiction_id = "";
  // webhook body: "cloudevents" (a CloudEvents 1.0 event in structured JSON mode, the
  // assessment as its data) or "plain" (the assessment object alone, for older receivers).
  std::string format = "cloudevents";
  // Also (or only) when the site is not visited in time (`"unvisited"` in `on`): the task's
  // revisit_days passed without an observation (server/unvisited_actions.h). Not for contractors.
  bool on_unvisited = false;
};

struct Retention {
  int evidence_days = 30;          // findings are kept this long
  bool keep_non_findings = false;  // keep ok/inconclusive images as documentation
  bool legal_hold = false;         // stops all deletion for this task
  // Inconclusive images are kept this long for review (feedback on what the detectors missed),
  // then deleted; 0 = deleted at once like other non-findings.
  int inconclusive_days = 7;
};

// Who must put a finding right (a contractor doing road works, the firm that placed a skip):
// a "contractor" action e-mails them the finding's facts with a deadline.
struct Contractor {
  std::string name;
  std::string email;
  int deadline_days = 14;  // the deadline is the capture date + this
  std::string language = "da";
};

struct Task {
  std::string id;  // UUID
  std::string title;
  std::string unit;   // owning administrative unit
  std::string owner;  // creating user
  TaskKind kind = TaskKind::kPresence;
  std::vector<Target> targets;
  geo::Geofence area = geo::Geofence::Circle({55.6761, 12.5683}, 25);
  std::optional<double> heading_deg;  // approach heading, 0 = north
  double heading_tolerance_deg = 45;
  std::optional<double> max_speed_kmh;
  Schedule schedule;
  Rule rule;
  std::vector<ActionSpec> actions;
  Retention retention;
  std::string data_class = "internal";  // which recognition services may see its images
  std::optional<Contractor> contractor;
  // The site should be seen at least every this many days; an active task without an
  // observation for longer is flagged as not visited (server/visits.h). nullopt = no wish.
  std::optional<int> revisit_days;
  TaskStatus status = TaskStatus::kDraft;
  int64_t revision = 1;  // +1 on each change
  TimeMs created_ms = 0;
  TimeMs updated_ms = 0;
};

}  // namespace tilsyn::tasks
