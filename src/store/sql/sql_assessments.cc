// Recognition runs, assessments (with inspector feedback) and action runs. RecordAssessment
// writes all of an observation's results in one transaction.
#include "core/ids.h"
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace tilsyn::store::sql {
namespace {

Status InsertRun(Db& db, const std::string& observation_id, const RecognitionRunRecord& r) {
  TILSYN_ASSIGN_OR_RETURN(Statement st,
                          db.Prepare("INSERT INTO recognition_runs (" + std::string(kRunColumns) +
                                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, r.id.empty() ? NewUuid() : r.id)
      .Bind(2, observation_id)
      .Bind(3, r.service)
      .Bind(4, r.label)
      .Bind(5, r.position)
      .Bind(6, r.started_ms)
      .Bind(7, r.finished_ms)
      .Bind(8, r.detections.dump())
      .Bind(9, r.good_enough)
      .Bind(10, r.error);
  return st.Run();
}

Status InsertAssessment(Db& db, const std::string& observation_id, const AssessmentRecord& a) {
  TILSYN_ASSIGN_OR_RETURN(Statement st,
                          db.Prepare("INSERT INTO assessments (" + std::string(kAssessmentColumns) +
                                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, a.id)
      .Bind(2, observation_id)
      .Bind(3, a.task_id)
      .Bind(4, a.outcome)
      .Bind(5, a.reason)
      .Bind(6, a.counts.dump())
      .Bind(7, a.created_ms)
      .Bind(8, a.feedback)
      .Bind(9, a.corrected_label)
      .Bind(10, a.satisfaction)
      .Bind(11, a.feedback_by)
      .Bind(12, a.reference_observation_id)
      .Bind(13, Json{{"code", a.reason_code}, {"params", a.reason_params}}.dump());
  return st.Run();
}

// Skips (without error) an action run whose idempotency key is already stored. `a` is the
// run's assessment; nullptr for a run of no assessment (stored with assessment_id NULL).
Status InsertActionRun(Db& db, const AssessmentRecord* a, const ActionRunRecord& r) {
  TILSYN_ASSIGN_OR_RETURN(Statement st,
                          db.Prepare("INSERT INTO action_runs (" + std::string(kActionRunColumns) +
                                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                     "ON CONFLICT(idempotency_key) DO NOTHING"));
  st.Bind(1, r.id.empty() ? NewUuid() : r.id)
      .Bind(3, r.task_id.empty() && a ? a->task_id : r.task_id)
      .Bind(4, r.type)
      .Bind(5, r.target)
      .Bind(6, r.idempotency_key)
      .Bind(7, r.payload.dump())
      .Bind(8, ToString(r.status))
      .Bind(9, r.attempts)
      .Bind(10, r.next_attempt_ms)
      .Bind(11, r.attempt_log.dump())
      .Bind(12, r.last_error)
      .Bind(13, r.created_ms)
      .Bind(14, r.updated_ms)
      .Bind(15, r.result.dump());
  const std::string& assessment_id = r.assessment_id.empty() && a ? a->id : r.assessment_id;
  if (assessment_id.empty()) {
    st.BindNull(2);
  } else {
    st.Bind(2, assessment_id);
  }
  return st.Run();
}

Status ReadAssessmentWhere(Db& db, std::string_view where, const std::string& value,
                           AssessmentRecord& out) {
  TILSYN_ASSIGN_OR_RETURN(Statement st,
                          db.Prepare(Select(kAssessmentColumns, "assessments", where)));
  st.Bind(1, value);
  TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no assessment for " + value, "id");
  out = ReadAssessment(st);
  return Status::Ok();
}

}  // namespace

Status SqlStore::RecordAssessment(const std::string& observation_id,
                                  const std::vector<RecognitionRunRecord>& runs,
                                  const AssessmentRecord& assessment,
                                  const std::vector<ActionRunRecord>& actions) {
  if (assessment.id.empty()) return Status::InvalidArgument("assessment id is empty", "id");
  for (const auto& a : actions) {
    if (a.idempotency_key.empty()) {
      return Status::InvalidArgument("action run idempotency key is empty", "idempotency_key");
    }
  }
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement chk,
                            db.Prepare("SELECT EXISTS(SELECT 1 FROM assessments WHERE "
                                       "observation_id = ?1), EXISTS(SELECT 1 FROM observations "
                                       "WHERE id = ?1)"));
    chk.Bind(1, observation_id);
    TILSYN_ASSIGN_OR_RETURN(bool row, chk.Step());
    if (!row || chk.Int(1) == 0) return Status::NotFound("no observation " + observation_id, "id");
    if (chk.Int(0) != 0) {
      return Status::AlreadyExists("observation " + observation_id + " is already assessed");
    }
    for (const auto& r : runs) TILSYN_RETURN_IF_ERROR(InsertRun(db, observation_id, r));
    TILSYN_RETURN_IF_ERROR(InsertAssessment(db, observation_id, assessment));
    for (const auto& a : actions) TILSYN_RETURN_IF_ERROR(InsertActionRun(db, &assessment, a));
    TILSYN_ASSIGN_OR_RETURN(
        Statement up, db.Prepare("UPDATE observations SET state = ?, updated_ms = ? WHERE id = ?"));
    up.Bind(1, ToString(ObservationState::kAssessed))
        .Bind(2, assessment.created_ms)
        .Bind(3, observation_id);
    return up.Run();
  });
}

Result<int> SqlStore::QueueActionRuns(const std::vector<ActionRunRecord>& runs) {
  for (const auto& r : runs) {
    if (r.idempotency_key.empty()) {
      return Status::InvalidArgument("action run idempotency key is empty", "idempotency_key");
    }
    if (r.task_id.empty()) return Status::InvalidArgument("action run has no task", "task_id");
  }
  int added = 0;
  TILSYN_RETURN_IF_ERROR(Write([&](Db& db) -> Status {
    added = 0;
    for (const auto& r : runs) {
      TILSYN_RETURN_IF_ERROR(InsertActionRun(db, nullptr, r));
      added += static_cast<int>(db.Changes());
    }
    return Status::Ok();
  }));
  return added;
}

Result<std::vector<RecognitionRunRecord>> SqlStore::RunsForObservation(
    const std::string& observation_id) {
  std::vector<RecognitionRunRecord> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare(Select(kRunColumns, "recognition_runs",
                          "WHERE observation_id = ? ORDER BY position, started_ms, rowid")));
    st.Bind(1, observation_id);
    return CollectRows(st, out, ReadRun);
  }));
  return out;
}

Result<AssessmentRecord> SqlStore::GetAssessment(const std::string& id) {
  AssessmentRecord out;
  TILSYN_RETURN_IF_ERROR(
      Read([&](Db& db) { return ReadAssessmentWhere(db, "WHERE id = ?", id, out); }));
  return out;
}

Result<AssessmentRecord> SqlStore::GetAssessmentForObservation(const std::string& obs_id) {
  AssessmentRecord out;
  TILSYN_RETURN_IF_ERROR(Read(
      [&](Db& db) { return ReadAssessmentWhere(db, "WHERE observation_id = ?", obs_id, out); }));
  return out;
}

Result<std::vector<AssessmentRecord>> SqlStore::ListAssessments(const AssessmentFilter& f) {
  std::vector<AssessmentRecord> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    std::string where = "WHERE 1 = 1";
    if (f.task_id) where += " AND task_id = ?";
    if (f.outcome) where += " AND outcome = ?";
    where += " ORDER BY created_ms DESC, id LIMIT ? OFFSET ?";
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(Select(kAssessmentColumns, "assessments", where)));
    int i = 1;
    if (f.task_id) st.Bind(i++, *f.task_id);
    if (f.outcome) st.Bind(i++, *f.outcome);
    st.Bind(i, f.limit > 0 ? static_cast<int64_t>(f.limit) : kNoLimit);
    st.Bind(i + 1, f.offset > 0 ? f.offset : 0);
    return CollectRows(st, out, ReadAssessment);
  }));
  return out;
}

Status SqlStore::UpdateAssessmentFeedback(const AssessmentRecord& a) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("UPDATE assessments SET feedback = ?, corrected_label = ?, satisfaction = ?, "
                   "feedback_by = ? WHERE id = ?"));
    st.Bind(1, a.feedback).Bind(2, a.corrected_label).Bind(3, a.satisfaction);
    st.Bind(4, a.feedback_by).Bind(5, a.id);
    TILSYN_RETURN_IF_ERROR(st.Run());
    if (db.Changes() == 0) return Status::NotFound("no assessment " + a.id, "id");
    return Status::Ok();
  });
}

Result<std::map<std::string, int64_t>> SqlStore::CountAssessmentsByOutcome() {
  std::map<std::string, int64_t> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        out, QueryCounts(db, "SELECT outcome, COUNT(*) FROM assessments GROUP BY outcome"));
    return Status::Ok();
  }));
  for (const char* o : {"ok", "finding", "inconclusive"}) out.try_emplace(o, 0);
  return out;
}

// ---- action runs

namespace {

// The fields of a run that change as it is delivered (1..9), then its id (10).
constexpr std::string_view kUpdateActionRun =
    "UPDATE action_runs SET target = ?, payload = ?, status = ?, attempts = ?, "
    "next_attempt_ms = ?, attempt_log = ?, last_error = ?, updated_ms = ?, result = ? WHERE id = ?";

void BindActionRunUpdate(Statement& st, const ActionRunRecord& run) {
  st.Bind(1, run.target)
      .Bind(2, run.payload.dump())
      .Bind(3, ToString(run.status))
      .Bind(4, run.attempts)
      .Bind(5, run.next_attempt_ms)
      .Bind(6, run.attempt_log.dump())
      .Bind(7, run.last_error)
      .Bind(8, run.updated_ms)
      .Bind(9, run.result.dump())
      .Bind(10, run.id);
}

}  // namespace

Result<std::optional<ActionRunRecord>> SqlStore::ClaimNextActionRun(
    TimeMs now, const std::function<void(ActionRunRecord&)>& start) {
  std::optional<ActionRunRecord> out;
  TILSYN_RETURN_IF_ERROR(Claim([&](Db& db) -> Status {
    out.reset();  // a run again after a conflict starts afresh
    TILSYN_ASSIGN_OR_RETURN(Statement pick,
                            db.Prepare(Select(kActionRunColumns, "action_runs",
                                              "WHERE status = ? AND next_attempt_ms <= ? "
                                              "ORDER BY next_attempt_ms, created_ms, id LIMIT 1" +
                                                  db.ClaimLock())));
    pick.Bind(1, ToString(ActionStatus::kPending)).Bind(2, now);
    TILSYN_ASSIGN_OR_RETURN(bool row, pick.Step());
    if (!row) return Status::Ok();
    ActionRunRecord run = ReadActionRun(pick);
    start(run);
    TILSYN_ASSIGN_OR_RETURN(Statement up, db.Prepare(kUpdateActionRun));
    BindActionRunUpdate(up, run);
    TILSYN_RETURN_IF_ERROR(up.Run());
    out = std::move(run);
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::UpdateActionRun(const ActionRunRecord& run) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare(kUpdateActionRun));
    BindActionRunUpdate(st, run);
    TILSYN_RETURN_IF_ERROR(st.Run());
    if (db.Changes() == 0) return Status::NotFound("no action run " + run.id, "id");
    return Status::Ok();
  });
}

Result<std::vector<ActionRunRecord>> SqlStore::ActionRunsToFollow(const std::string& type,
                                                                  TimeMs checked_before,
                                                                  int limit) {
  std::vector<ActionRunRecord> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare(Select(kActionRunColumns, "action_runs",
                          "WHERE type = ? AND status = ? AND " + db.JsonNumber("result", "open") +
                              " = 1 AND coalesce(" + db.JsonNumber("result", "checked_ms") +
                              ", 0) <= ? ORDER BY coalesce(" +
                              db.JsonNumber("result", "checked_ms") + ", 0), rowid LIMIT ?")));
    st.Bind(1, type).Bind(2, ToString(ActionStatus::kSucceeded)).Bind(3, checked_before);
    st.Bind(4, limit > 0 ? static_cast<int64_t>(limit) : kNoLimit);
    return CollectRows(st, out, ReadActionRun);
  }));
  return out;
}

Result<ActionRunRecord> SqlStore::GetActionRun(const std::string& id) {
  std::optional<ActionRunRecord> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(Select(kActionRunColumns, "action_runs", "WHERE id = ?")));
    st.Bind(1, id);
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) out = ReadActionRun(st);
    return Status::Ok();
  }));
  if (!out) return Status::NotFound("no action run " + id, "id");
  return *out;
}

Result<std::vector<ActionRunRecord>> SqlStore::ListActionRuns(
    const std::optional<std::string>& assessment_id, int limit) {
  std::vector<ActionRunRecord> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    std::string where = assessment_id ? "WHERE assessment_id = ? " : "";
    where += "ORDER BY created_ms DESC, rowid DESC LIMIT ?";
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(Select(kActionRunColumns, "action_runs", where)));
    int i = 1;
    if (assessment_id) st.Bind(i++, *assessment_id);
    st.Bind(i, limit > 0 ? static_cast<int64_t>(limit) : kNoLimit);
    return CollectRows(st, out, ReadActionRun);
  }));
  return out;
}

}  // namespace tilsyn::store::sql
