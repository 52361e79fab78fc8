#include "store/sql/migrations.h"

#include <string>
#include <vector>

namespace tilsyn::store::sql {
namespace {

// Append only: never edit a migration that has shipped; add a new one instead.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> kMigrations = {
      // 1: initial schema.
      R"sql(
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  kind TEXT NOT NULL,
  unit TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL DEFAULT '',
  revision INTEGER NOT NULL DEFAULT 1,
  legal_hold INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL DEFAULT 0,
  json TEXT NOT NULL
);
CREATE INDEX tasks_by_status ON tasks(status, created_ms);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id),
  version INTEGER NOT NULL UNIQUE,
  active INTEGER NOT NULL,
  json TEXT NOT NULL
);

CREATE TABLE vehicles (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  lane TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  last_lat REAL,
  last_lon REAL,
  last_seen_ms INTEGER
);

CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  subject TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);

CREATE TABLE observations (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id),
  job_id TEXT NOT NULL,
  vehicle_id TEXT NOT NULL,
  captured_ms INTEGER NOT NULL,
  lat REAL NOT NULL,
  lon REAL NOT NULL,
  heading_deg REAL,
  speed_kmh REAL,
  accuracy_m REAL,
  blob_key TEXT NOT NULL DEFAULT '',
  image_sha256 TEXT NOT NULL DEFAULT '',
  anonymization TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  received_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX observations_by_state ON observations(state, received_ms);
CREATE INDEX observations_by_task ON observations(task_id);

CREATE TABLE blobs (
  key TEXT PRIMARY KEY,
  observation_id TEXT NOT NULL REFERENCES observations(id),
  task_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  delete_after_ms INTEGER,
  deleted_ms INTEGER,
  deleted_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX blobs_due ON blobs(delete_after_ms) WHERE deleted_ms IS NULL;

CREATE TABLE recognition_runs (
  id TEXT PRIMARY KEY,
  observation_id TEXT NOT NULL REFERENCES observations(id),
  service TEXT NOT NULL,
  label TEXT NOT NULL,
  position INTEGER NOT NULL,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER NOT NULL,
  detections TEXT NOT NULL,
  good_enough INTEGER NOT NULL,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_by_observation ON recognition_runs(observation_id);
CREATE INDEX runs_by_service ON recognition_runs(service, label);

CREATE TABLE assessments (
  id TEXT PRIMARY KEY,
  observation_id TEXT NOT NULL UNIQUE REFERENCES observations(id),
  task_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  counts TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  feedback TEXT NOT NULL DEFAULT '',
  corrected_label TEXT NOT NULL DEFAULT '',
  satisfaction INTEGER,
  feedback_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assessments_by_task ON assessments(task_id, created_ms);

CREATE TABLE action_runs (
  id TEXT PRIMARY KEY,
  assessment_id TEXT NOT NULL REFERENCES assessments(id),
  task_id TEXT NOT NULL,
  type TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  idempotency_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  attempt_log TEXT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX action_runs_due ON action_runs(status, next_attempt_ms);
CREATE INDEX action_runs_by_assessment ON action_runs(assessment_id);
)sql",
      // 2: privacy — the hash-chained, append-only audit trail and captures refused at ingest.
      R"sql(
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  user TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_object ON audit_events(object_id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

CREATE TABLE refusals (
  id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  vehicle_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  field TEXT NOT NULL
);
)sql",
      // 3: permits for occupying the street (permit-check tasks), with their area's bounding box.
      R"sql(
CREATE TABLE permits (
  id TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  kind TEXT NOT NULL,
  area TEXT NOT NULL,
  min_lat REAL NOT NULL,
  min_lon REAL NOT NULL,
  max_lat REAL NOT NULL,
  max_lon REAL NOT NULL,
  valid_from_ms INTEGER NOT NULL,
  valid_to_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX permits_by_lat ON permits(min_lat, max_lat);
)sql",
      // 4: boxes inspectors draw on kept images to teach a new object (store/annotation_store.h).
      R"sql(
CREATE TABLE annotations (
  observation_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  label TEXT NOT NULL,
  x INTEGER NOT NULL,
  y INTEGER NOT NULL,
  w INTEGER NOT NULL,
  h INTEGER NOT NULL,
  labelled_by TEXT NOT NULL,
  labelled_ms INTEGER NOT NULL,
  PRIMARY KEY (observation_id, position)
);
CREATE INDEX annotations_by_label ON annotations(label);
)sql",
      // 5: what an action's receiver answered (Open311's service request id and status).
      R"sql(
ALTER TABLE action_runs ADD COLUMN result TEXT NOT NULL DEFAULT '{}';
)sql",
      // 6: a finding's life: status, escalation steps, notes, assignment (store/case_store.h).
      R"sql(
CREATE TABLE case_events (
  id INTEGER PRIMARY KEY,
  assessment_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  user TEXT NOT NULL,
  status TEXT NOT NULL,
  step TEXT NOT NULL,
  step_date TEXT NOT NULL,
  note TEXT NOT NULL,
  assignee TEXT NOT NULL
);
CREATE INDEX case_events_by_assessment ON case_events(assessment_id);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
  BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
)sql",
      // 7: the reference image an inspector marked for a task, and the reference each
      // assessment was compared with.
      R"sql(
CREATE TABLE task_references (
  task_id TEXT PRIMARY KEY REFERENCES tasks(id),
  observation_id TEXT NOT NULL REFERENCES observations(id),
  marked_by TEXT NOT NULL,
  marked_ms INTEGER NOT NULL
);
ALTER TABLE assessments ADD COLUMN reference_observation_id TEXT NOT NULL DEFAULT '';
)sql",
      // 8: image bytes in the database (encrypted, as in the image folder), for installs whose
      // API instances and workers share no disk (OpenSqlBlobStore; on SQLite unused so far).
      R"sql(
CREATE TABLE images (
  key TEXT PRIMARY KEY,
  data BLOB NOT NULL,
  stored_ms INTEGER NOT NULL
);
)sql",
      // 9: the worker that holds an observation, and until when (ObservationStore::Claim…).
      R"sql(
ALTER TABLE observations ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE observations ADD COLUMN lease_until_ms INTEGER NOT NULL DEFAULT 0;
)sql",
      // 10: task and job areas as PostGIS geometry — PostgreSQL only (pg_migrations.cc); here
      // nothing, so the numbers stay in step.
      R"sql(
SELECT 1;
)sql",
      // 11: the retention sweeper that is deleting an image holds it until then
      // (RetentionStore::ClaimDueBlobs).
      R"sql(
ALTER TABLE blobs ADD COLUMN sweep_until_ms INTEGER NOT NULL DEFAULT 0;
)sql",
      // 12: the fleet view — each vehicle's newest heartbeat and the one before — and the
      // versioned agent settings the server sends with the job sync.
      R"sql(
ALTER TABLE vehicles ADD COLUMN heartbeat TEXT NOT NULL DEFAULT '';
ALTER TABLE vehicles ADD COLUMN prev_heartbeat TEXT NOT NULL DEFAULT '';
ALTER TABLE vehicles ADD COLUMN heartbeat_ms INTEGER;
CREATE TABLE agent_settings (
  version INTEGER PRIMARY KEY,
  json TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
)sql",
      // 13: people's accounts (argon2id hashes, lockout, units), web sessions, and tokens
      // that expire and can be revoked.
      R"sql(
ALTER TABLE tokens ADD COLUMN expires_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN revoked_ms INTEGER NOT NULL DEFAULT 0;
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  units TEXT NOT NULL DEFAULT '[]',
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until_ms INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES users(name),
  csrf TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_name);
)sql",
      // 14: location retention and data subjects' requests: when an observation's position and
      // vehicle were erased, and the capture time of those not erased as an index (the search
      // by place and time, the location sweeper).
      R"sql(
ALTER TABLE observations ADD COLUMN location_erased_ms INTEGER;
CREATE INDEX observations_location_kept ON observations(captured_ms)
  WHERE location_erased_ms IS NULL;
)sql",
      // 15: the processing record's facts a DPO states (controller, legal basis, recipients, …),
      // kept in versions.
      R"sql(
CREATE TABLE record_facts (
  version INTEGER PRIMARY KEY,
  json TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
)sql",
      // 16: an assessment's reason as a code with its parameters ({"code","params"}), which
      // the web UI says in the reader's language.
      R"sql(
ALTER TABLE assessments ADD COLUMN reason_detail TEXT NOT NULL DEFAULT '{}';
)sql",
      // 17: the labels for which an image's boxes are complete (store/annotation_store.h): an
      // image complete for a label without a box of it is a negative when teaching that label.
      R"sql(
CREATE TABLE annotation_sets (
  observation_id TEXT PRIMARY KEY,
  complete_for TEXT NOT NULL,
  marked_by TEXT NOT NULL,
  marked_ms INTEGER NOT NULL
);
)sql",
      // 18: an action run without an assessment (a site nobody visits, server/unvisited_actions.h):
      // assessment_id may be NULL. SQLite cannot drop NOT NULL, so the table is rebuilt (no table
      // refers to it; rowids are kept for the insertion order).
      R"sql(
CREATE TABLE action_runs_18 (
  id TEXT PRIMARY KEY,
  assessment_id TEXT REFERENCES assessments(id),
  task_id TEXT NOT NULL,
  type TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  idempotency_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  attempt_log TEXT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  result TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO action_runs_18 (rowid, id, assessment_id, task_id, type, target, idempotency_key,
  payload, status, attempts, next_attempt_ms, attempt_log, last_error, created_ms, updated_ms,
  result)
SELECT rowid, id, assessment_id, task_id, type, target, idempotency_key, payload, status,
  attempts, next_attempt_ms, attempt_log, last_error, created_ms, updated_ms, result
FROM action_runs;
DROP TABLE action_runs;
ALTER TABLE action_runs_18 RENAME TO action_runs;
CREATE INDEX action_runs_due ON action_runs(status, next_attempt_ms);
CREATE INDEX action_runs_by_assessment ON action_runs(assessment_id);
CREATE INDEX action_runs_by_task ON action_runs(task_id, created_ms);
)sql",
  };
  return kMigrations;
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

Status Migrate(Db& db) {
  if (db.dialect() == Dialect::kPostgres) return MigratePostgres(db);
  Transaction txn(db, Transaction::Mode::kWrite);
  TILSYN_RETURN_IF_ERROR(txn.status());
  TILSYN_ASSIGN_OR_RETURN(int64_t current, db.QueryInt("PRAGMA user_version"));
  const int latest = LatestSchemaVersion();
  if (current > latest) {
    return Status::FailedPrecondition("database schema version " + std::to_string(current) +
                                      " is newer than this program's " + std::to_string(latest));
  }
  if (current == latest) return Status::Ok();  // the destructor ends the read-only transaction
  for (int v = static_cast<int>(current) + 1; v <= latest; ++v) {
    Status st = db.Exec(Migrations()[static_cast<size_t>(v - 1)]);
    if (!st.ok()) return st.Annotate("migration " + std::to_string(v));
  }
  TILSYN_RETURN_IF_ERROR(db.Exec("PRAGMA user_version = " + std::to_string(latest)));
  return txn.Commit();
}

}  // namespace tilsyn::store::sql
