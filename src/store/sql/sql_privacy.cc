// The privacy side of the SQL store: the hash-chained audit trail (append-only; triggers
// refuse UPDATE and DELETE on audit_events), refusals recorded at ingest, and the processing
// record aggregated per task kind.
#include <algorithm>

#include "store/audit_chain.h"
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace tilsyn::store::sql {
namespace {

constexpr std::string_view kAuditColumns =
    "seq, at_ms, \"user\", role, action, object_type, object_id, purpose, details, prev_hash, hash";

AuditEvent ReadAudit(const Statement& st) {
  AuditEvent e;
  e.seq = st.Int(0);
  e.at = st.Int(1);
  e.user = st.Text(2);
  e.role = st.Text(3);
  e.action = st.Text(4);
  e.object_type = st.Text(5);
  e.object_id = st.Text(6);
  e.purpose = st.Text(7);
  // A corrupt details column must not read as a valid one: keep it as a string so the hash
  // check fails instead of silently passing.
  Result<Json> details = ParseJson(st.Text(8));
  e.details = details.ok() ? *details : Json(st.Text(8));
  e.prev_hash = st.Text(9);
  e.hash = st.Text(10);
  return e;
}

// Appends inside the caller's transaction.
Result<AuditEvent> AppendAuditIn(Db& db, AuditEvent e) {
  if (e.action.empty()) return Status::InvalidArgument("audit action is empty", "action");
  if (e.details.is_null()) e.details = Json::object();
  TILSYN_ASSIGN_OR_RETURN(
      Statement last, db.Prepare("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"));
  TILSYN_ASSIGN_OR_RETURN(bool row, last.Step());
  e.seq = row ? last.Int(0) + 1 : 1;
  e.prev_hash = row ? last.Text(1) : kAuditGenesisHash;
  e.hash = AuditHash(e);
  TILSYN_ASSIGN_OR_RETURN(Statement st,
                          db.Prepare("INSERT INTO audit_events (" + std::string(kAuditColumns) +
                                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, e.seq).Bind(2, e.at).Bind(3, e.user).Bind(4, e.role).Bind(5, e.action);
  st.Bind(6, e.object_type).Bind(7, e.object_id).Bind(8, e.purpose).Bind(9, e.details.dump());
  st.Bind(10, e.prev_hash).Bind(11, e.hash);
  TILSYN_RETURN_IF_ERROR(st.Run());
  return e;
}

void AddCounts(const Json& report, std::map<std::string, int64_t>& into) {
  if (!report.is_object() || !report.contains("counts") || !report["counts"].is_object()) return;
  for (const auto& [cls, n] : report["counts"].items()) {
    if (n.is_number_integer()) into[cls] += n.get<int64_t>();
  }
}

}  // namespace

Result<AuditEvent> SqlStore::AppendAudit(const AuditEvent& e) {
  AuditEvent out;
  TILSYN_RETURN_IF_ERROR(Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(out, AppendAuditIn(db, e));
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::WithAudit(const AuditEvent& e, const std::function<Status(Store&)>& change) {
  return Write([&](Db& db) -> Status {
    TILSYN_RETURN_IF_ERROR(change(*this));
    return AppendAuditIn(db, e).status();
  });
}

Result<std::vector<AuditEvent>> SqlStore::ListAudit(const AuditFilter& f) {
  std::vector<AuditEvent> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    std::string where = "WHERE seq > ?";
    if (f.action) where += " AND action = ?";
    if (f.user) where += " AND \"user\" = ?";
    if (f.object_id) where += " AND object_id = ?";
    if (f.from_ms) where += " AND at_ms >= ?";
    if (f.to_ms) where += " AND at_ms < ?";
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(Select(kAuditColumns, "audit_events",
                                              where + (f.newest_first ? " ORDER BY seq DESC LIMIT ?"
                                                                      : " ORDER BY seq LIMIT ?"))));
    int i = 1;
    st.Bind(i++, f.after_seq);
    if (f.action) st.Bind(i++, *f.action);
    if (f.user) st.Bind(i++, *f.user);
    if (f.object_id) st.Bind(i++, *f.object_id);
    if (f.from_ms) st.Bind(i++, *f.from_ms);
    if (f.to_ms) st.Bind(i++, *f.to_ms);
    st.Bind(i, f.limit > 0 ? static_cast<int64_t>(f.limit) : kNoLimit);
    return CollectRows(st, out, ReadAudit);
  }));
  return out;
}

Status SqlStore::RecordRefusal(const RefusalRecord& r) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("INSERT INTO refusals (at_ms, vehicle_id, job_id, task_id, reason, "
                   "field) VALUES (?, ?, ?, ?, ?, ?)"));
    st.Bind(1, r.at).Bind(2, r.vehicle_id).Bind(3, r.job_id).Bind(4, r.task_id);
    st.Bind(5, r.reason).Bind(6, r.field);
    return st.Run();
  });
}

Result<std::vector<PurposeRecord>> SqlStore::ProcessingRecord() {
  std::map<std::string, PurposeRecord> by_kind;
  auto rec = [&](const std::string& kind) -> PurposeRecord& {
    PurposeRecord& r = by_kind[kind];
    r.purpose = kind;
    return r;
  };
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(auto tasks,
                            QueryCounts(db, "SELECT kind, COUNT(*) FROM tasks GROUP BY kind"));
    for (const auto& [kind, n] : tasks) rec(kind).tasks = n;

    TILSYN_ASSIGN_OR_RETURN(
        Statement obs,
        db.Prepare(
            "SELECT t.kind, o.captured_ms, o.anonymization, b.key IS NOT NULL, "
            "b.deleted_ms, b.delete_after_ms FROM observations o "
            "JOIN tasks t ON t.id = o.task_id LEFT JOIN blobs b ON b.observation_id = o.id"));
    std::map<std::string, int64_t> retention_sum, retention_n;
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, obs.Step());
      if (!row) break;
      PurposeRecord& r = rec(obs.Text(0));
      ++r.observations;
      Json anon = ParseJsonColumn(obs.Text(2), Json::object());
      if (anon.is_object()) {
        if (anon.contains("vehicle")) AddCounts(anon["vehicle"], r.anonymized_vehicle);
        if (anon.contains("server")) AddCounts(anon["server"], r.anonymized_server);
      }
      if (obs.Int(3) == 0) continue;  // no image stored
      const TimeMs captured = obs.Int(1);
      std::optional<int64_t> end;
      if (!obs.IsNull(4)) {
        ++r.images_deleted;
        end = obs.Int(4);
      } else {
        ++r.images_kept;
        if (!obs.IsNull(5)) end = obs.Int(5);
      }
      if (end) {
        const int64_t kept_for = std::max<int64_t>(0, *end - captured);
        retention_sum[r.purpose] += kept_for;
        ++retention_n[r.purpose];
        r.retention_max_ms = std::max(r.retention_max_ms, kept_for);
      }
    }
    for (auto& [kind, r] : by_kind) {
      if (retention_n[kind] > 0) {
        r.retention_mean_ms =
            static_cast<double>(retention_sum[kind]) / static_cast<double>(retention_n[kind]);
      }
    }

    TILSYN_ASSIGN_OR_RETURN(
        Statement runs,
        db.Prepare("SELECT t.kind, r.service, COUNT(DISTINCT r.observation_id) "
                   "FROM recognition_runs r JOIN observations o ON o.id = r.observation_id "
                   "JOIN tasks t ON t.id = o.task_id GROUP BY t.kind, r.service"));
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, runs.Step());
      if (!row) break;
      rec(runs.Text(0)).services[runs.Text(1)] = runs.Int(2);
    }

    TILSYN_ASSIGN_OR_RETURN(
        Statement refusals,
        db.Prepare("SELECT COALESCE(t.kind, 'unknown'), r.field, r.reason, COUNT(*) "
                   "FROM refusals r LEFT JOIN tasks t ON t.id = r.task_id GROUP BY 1, 2, 3"));
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, refusals.Step());
      if (!row) break;
      std::string what =
          refusals.Text(1).empty() ? refusals.Text(2) : refusals.Text(1) + ": " + refusals.Text(2);
      rec(refusals.Text(0)).refusals[what] += refusals.Int(3);
    }
    return Status::Ok();
  }));
  std::vector<PurposeRecord> out;
  for (auto& [kind, r] : by_kind) out.push_back(std::move(r));
  return out;
}

Result<int64_t> SqlStore::PutRecordFacts(const VersionedDocument& facts) {
  return PutVersioned("record_facts", facts);
}

Result<std::optional<VersionedDocument>> SqlStore::CurrentRecordFacts() {
  return LatestVersioned("record_facts");
}

}  // namespace tilsyn::store::sql
