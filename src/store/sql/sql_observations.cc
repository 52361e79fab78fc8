// Observations and the records of their images (blobs) with retention deadlines.
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace tilsyn::store::sql {
namespace {

// Binds every observation column except id, in kObservationColumns order, from index `first`.
void BindObservationFields(Statement& st, int first, const Observation& o) {
  const int i = first;
  st.Bind(i, o.task_id).Bind(i + 1, o.job_id).Bind(i + 2, o.vehicle_id);
  st.Bind(i + 3, o.captured_ms).Bind(i + 4, o.lat).Bind(i + 5, o.lon);
  st.Bind(i + 6, o.heading_deg).Bind(i + 7, o.speed_kmh).Bind(i + 8, o.accuracy_m);
  st.Bind(i + 9, o.blob_key).Bind(i + 10, o.image_sha256).Bind(i + 11, o.anonymization.dump());
  st.Bind(i + 12, ToString(o.state)).Bind(i + 13, o.error).Bind(i + 14, o.attempts);
  st.Bind(i + 15, o.received_ms).Bind(i + 16, o.updated_ms);
}

Result<bool> ObservationExists(Db& db, const std::string& id) {
  TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT 1 FROM observations WHERE id = ?"));
  st.Bind(1, id);
  return st.Step();
}

}  // namespace

Result<bool> SqlStore::InsertObservation(const Observation& obs, const BlobRecord& blob) {
  if (obs.id.empty()) return Status::InvalidArgument("observation id is empty", "id");
  bool inserted = false;
  TILSYN_RETURN_IF_ERROR(Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(bool exists, ObservationExists(db, obs.id));
    if (exists) return Status::Ok();
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("INSERT INTO observations (" + std::string(kObservationColumns) +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st.Bind(1, obs.id);
    BindObservationFields(st, 2, obs);
    st.Bind(19, obs.location_erased_ms);
    TILSYN_RETURN_IF_ERROR(st.Run());
    if (!blob.key.empty()) {
      TILSYN_ASSIGN_OR_RETURN(Statement bst,
                              db.Prepare("INSERT INTO blobs (" + std::string(kBlobColumns) +
                                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
      bst.Bind(1, blob.key)
          .Bind(2, blob.observation_id.empty() ? obs.id : blob.observation_id)
          .Bind(3, blob.task_id.empty() ? obs.task_id : blob.task_id)
          .Bind(4, blob.size)
          .Bind(5, blob.created_ms)
          .Bind(6, blob.delete_after_ms)
          .Bind(7, blob.deleted_ms)
          .Bind(8, blob.deleted_reason);
      TILSYN_RETURN_IF_ERROR(bst.Run());
    }
    inserted = true;
    return Status::Ok();
  }));
  return inserted;
}

Result<Observation> SqlStore::GetObservation(const std::string& id) {
  Observation out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st, db.Prepare(Select(kObservationColumns, "observations", "WHERE id = ?")));
    st.Bind(1, id);
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no observation " + id, "id");
    out = ReadObservation(st);
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::UpdateObservation(const Observation& obs) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("UPDATE observations SET task_id = ?, job_id = ?, vehicle_id = ?, "
                   "captured_ms = ?, lat = ?, lon = ?, heading_deg = ?, speed_kmh = ?, "
                   "accuracy_m = ?, blob_key = ?, image_sha256 = ?, anonymization = ?, state = ?, "
                   "error = ?, attempts = ?, received_ms = ?, updated_ms = ? WHERE id = ?"));
    BindObservationFields(st, 1, obs);
    st.Bind(18, obs.id);
    TILSYN_RETURN_IF_ERROR(st.Run());
    if (db.Changes() == 0) return Status::NotFound("no observation " + obs.id, "id");
    return Status::Ok();
  });
}

Result<std::optional<Observation>> SqlStore::ClaimNextObservation(const std::string& worker,
                                                                  TimeMs now, TimeMs until) {
  std::optional<Observation> out;
  TILSYN_RETURN_IF_ERROR(Claim([&](Db& db) -> Status {
    out.reset();  // a run again after a conflict starts afresh
    TILSYN_ASSIGN_OR_RETURN(
        Statement pick,
        db.Prepare(
            Select(kObservationColumns, "observations",
                   "WHERE state IN ('received', 'stored', 'assessed') AND lease_until_ms <= ? "
                   "ORDER BY received_ms, id LIMIT 1" +
                       db.ClaimLock())));
    pick.Bind(1, now);
    TILSYN_ASSIGN_OR_RETURN(bool row, pick.Step());
    if (!row) return Status::Ok();
    Observation obs = ReadObservation(pick);
    TILSYN_ASSIGN_OR_RETURN(
        Statement take,
        db.Prepare("UPDATE observations SET lease_owner = ?, lease_until_ms = ? WHERE id = ?"));
    take.Bind(1, worker).Bind(2, until).Bind(3, obs.id);
    TILSYN_RETURN_IF_ERROR(take.Run());
    out = std::move(obs);
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::ReleaseObservation(const std::string& id, const std::string& worker,
                                    TimeMs not_before) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st, db.Prepare("UPDATE observations SET lease_owner = '', lease_until_ms = ? "
                                 "WHERE id = ? AND lease_owner = ?"));
    st.Bind(1, not_before).Bind(2, id).Bind(3, worker);
    return st.Run();
  });
}

Status SqlStore::ReleaseLeasesOf(const std::string& worker) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st, db.Prepare("UPDATE observations SET lease_until_ms = 0 WHERE lease_owner = ? "
                                 "AND lease_until_ms > 0"));
    st.Bind(1, worker);
    return st.Run();
  });
}

Status SqlStore::RecordServerAnonymization(const Observation& obs, int64_t image_size) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("UPDATE observations SET image_sha256 = ?, anonymization = ?, state = ?, "
                   "error = '', updated_ms = ? WHERE id = ? AND state = ?"));
    st.Bind(1, obs.image_sha256)
        .Bind(2, obs.anonymization.dump())
        .Bind(3, ToString(ObservationState::kStored))
        .Bind(4, obs.updated_ms)
        .Bind(5, obs.id)
        .Bind(6, ToString(ObservationState::kReceived));
    TILSYN_RETURN_IF_ERROR(st.Run());
    if (db.Changes() == 0) {
      return Status::FailedPrecondition(
          "observation " + obs.id + " is not waiting for anonymization", "state");
    }
    TILSYN_ASSIGN_OR_RETURN(Statement blob, db.Prepare("UPDATE blobs SET size = ? WHERE key = ?"));
    blob.Bind(1, image_size).Bind(2, obs.blob_key);
    return blob.Run();
  });
}

Result<std::map<std::string, TimeMs>> SqlStore::LastCaptureByTask() {
  std::map<std::string, TimeMs> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("SELECT task_id, MAX(captured_ms) FROM observations GROUP BY task_id"));
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out[st.Text(0)] = st.Int(1);
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Observation>> SqlStore::ObservationsInState(ObservationState state, int limit) {
  std::vector<Observation> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare(Select(kObservationColumns, "observations",
                          "WHERE state = ? ORDER BY received_ms, captured_ms, id LIMIT ?")));
    st.Bind(1, ToString(state)).Bind(2, limit > 0 ? static_cast<int64_t>(limit) : kNoLimit);
    return CollectRows(st, out, ReadObservation);
  }));
  return out;
}

Result<std::optional<Observation>> SqlStore::ReferenceObservation(const std::string& task_id,
                                                                  const std::string& exclude_id) {
  std::optional<Observation> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    // The marked one first (if it still qualifies), then the earliest captured.
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare(
            Select(kObservationColumns, "observations",
                   "WHERE task_id = ?1 AND id != ?2 AND blob_key != '' AND state IN "
                   "('assessed', 'done') ORDER BY id != COALESCE((SELECT observation_id "
                   "FROM task_references WHERE task_id = ?1), ''), captured_ms, id LIMIT 1")));
    st.Bind(1, task_id).Bind(2, exclude_id);
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) out = ReadObservation(st);
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::MarkReference(const ReferenceMark& mark) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("INSERT INTO task_references (task_id, observation_id, marked_by, marked_ms) "
                   "VALUES (?, ?, ?, ?) ON CONFLICT(task_id) DO UPDATE SET "
                   "observation_id = excluded.observation_id, marked_by = excluded.marked_by, "
                   "marked_ms = excluded.marked_ms"));
    st.Bind(1, mark.task_id)
        .Bind(2, mark.observation_id)
        .Bind(3, mark.marked_by)
        .Bind(4, mark.marked_ms);
    return st.Run();
  });
}

Result<std::optional<ReferenceMark>> SqlStore::MarkedReference(const std::string& task_id) {
  std::optional<ReferenceMark> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare("SELECT task_id, observation_id, marked_by, marked_ms FROM "
                                       "task_references WHERE task_id = ?"));
    st.Bind(1, task_id);
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) out = ReferenceMark{st.Text(0), st.Text(1), st.Text(2), st.Int(3)};
    return Status::Ok();
  }));
  return out;
}

Result<std::map<std::string, int64_t>> SqlStore::CountObservationsByState() {
  std::map<std::string, int64_t> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        out, QueryCounts(db, "SELECT state, COUNT(*) FROM observations GROUP BY state"));
    return Status::Ok();
  }));
  for (auto s : {ObservationState::kReceived, ObservationState::kStored,
                 ObservationState::kAssessed, ObservationState::kDone, ObservationState::kFailed}) {
    out.try_emplace(std::string(ToString(s)), 0);
  }
  return out;
}

Result<std::vector<Observation>> SqlStore::ObservationsCapturedIn(const CaptureQuery& q) {
  std::vector<Observation> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare(Select(kObservationColumns, "observations",
                          "WHERE (captured_ms > ? OR (captured_ms = ? AND id > ?)) AND "
                          "captured_ms <= ? AND lat >= ? AND lat <= ? AND lon >= ? AND lon <= ? "
                          "AND location_erased_ms IS NULL ORDER BY captured_ms, id LIMIT ?")));
    st.Bind(1, q.from_ms).Bind(2, q.from_ms).Bind(3, q.after_id).Bind(4, q.to_ms);
    st.Bind(5, q.min_lat).Bind(6, q.max_lat).Bind(7, q.min_lon).Bind(8, q.max_lon);
    st.Bind(9, q.limit > 0 ? static_cast<int64_t>(q.limit) : kNoLimit);
    return CollectRows(st, out, ReadObservation);
  }));
  return out;
}

Status SqlStore::EraseObservationLocation(const std::string& id, TimeMs at) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("UPDATE observations SET lat = 0, lon = 0, heading_deg = NULL, "
                   "speed_kmh = NULL, accuracy_m = NULL, vehicle_id = '', location_erased_ms = ?, "
                   "updated_ms = ? WHERE id = ? AND location_erased_ms IS NULL AND state NOT IN "
                   "('received', 'stored', 'assessed')"));
    st.Bind(1, at).Bind(2, at).Bind(3, id);
    TILSYN_RETURN_IF_ERROR(st.Run());
    if (db.Changes() > 0) return Status::Ok();
    TILSYN_ASSIGN_OR_RETURN(Statement check,
                            db.Prepare("SELECT state, location_erased_ms FROM observations "
                                       "WHERE id = ?"));
    check.Bind(1, id);
    TILSYN_ASSIGN_OR_RETURN(bool row, check.Step());
    if (!row) return Status::NotFound("no observation " + id, "id");
    if (check.OptInt(1)) return Status::Ok();  // erased already
    return Status::FailedPrecondition(
        "the observation is still being processed (" + check.Text(0) + "); ask again later",
        "state");
  });
}

Result<std::vector<std::string>> SqlStore::LocationsDue(TimeMs captured_before, int limit) {
  std::vector<std::string> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("SELECT o.id FROM observations o LEFT JOIN tasks t ON t.id = o.task_id "
                   "WHERE o.captured_ms < ? AND o.location_erased_ms IS NULL AND o.blob_key = '' "
                   "AND o.state NOT IN ('received', 'stored', 'assessed') "
                   "AND COALESCE(t.legal_hold, 0) = 0 ORDER BY o.captured_ms, o.id LIMIT ?"));
    st.Bind(1, captured_before).Bind(2, limit > 0 ? static_cast<int64_t>(limit) : kNoLimit);
    return CollectRows(st, out, [](const Statement& s) { return s.Text(0); });
  }));
  return out;
}

// ---- blobs

Result<BlobRecord> SqlStore::GetBlob(const std::string& key) {
  BlobRecord out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(Select(kBlobColumns, "blobs", "WHERE key = ?")));
    st.Bind(1, key);
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no blob " + key, "key");
    out = ReadBlob(st);
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::SetBlobDeadline(const std::string& key, TimeMs delete_after_ms) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare("SELECT deleted_ms IS NOT NULL FROM blobs WHERE key = ?"));
    st.Bind(1, key);
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no blob " + key, "key");
    if (st.Int(0) != 0)
      return Status::FailedPrecondition("blob " + key + " is already deleted", "key");
    TILSYN_ASSIGN_OR_RETURN(Statement up,
                            db.Prepare("UPDATE blobs SET delete_after_ms = ? WHERE key = ?"));
    up.Bind(1, delete_after_ms).Bind(2, key);
    return up.Run();
  });
}

Status SqlStore::MarkBlobDeleted(const std::string& key, TimeMs at, const std::string& reason) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare("SELECT deleted_ms IS NOT NULL FROM blobs WHERE key = ?"));
    st.Bind(1, key);
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no blob " + key, "key");
    // Deleting twice (two sweepers, a retry) keeps the first record.
    if (st.Int(0) != 0) return Status::Ok();
    TILSYN_ASSIGN_OR_RETURN(
        Statement up,
        db.Prepare("UPDATE blobs SET deleted_ms = ?, deleted_reason = ? WHERE key = ?"));
    up.Bind(1, at).Bind(2, reason).Bind(3, key);
    TILSYN_RETURN_IF_ERROR(up.Run());
    TILSYN_ASSIGN_OR_RETURN(
        Statement obs,
        db.Prepare("UPDATE observations SET blob_key = '' WHERE blob_key = ? AND id = "
                   "(SELECT observation_id FROM blobs WHERE key = ?)"));
    obs.Bind(1, key).Bind(2, key);
    return obs.Run();
  });
}

// Images whose deadline passed (first parameter: now), unless under legal hold or of an
// observation still being assessed — its retention is decided when the assessment is done.
constexpr const char* kBlobsDueFrom =
    "blobs b LEFT JOIN tasks t ON t.id = b.task_id "
    "LEFT JOIN observations o ON o.id = b.observation_id";
constexpr const char* kBlobsDueWhere =
    "WHERE b.deleted_ms IS NULL AND b.delete_after_ms IS NOT NULL "
    "AND b.delete_after_ms <= ? AND COALESCE(t.legal_hold, 0) = 0 "
    "AND COALESCE(o.state, '') NOT IN ('received', 'stored', 'assessed') ";

Result<std::vector<BlobRecord>> SqlStore::ClaimDueBlobs(TimeMs now, TimeMs until, int limit) {
  std::vector<BlobRecord> out;
  TILSYN_RETURN_IF_ERROR(Claim([&](Db& db) -> Status {
    out.clear();  // a run again after a conflict starts afresh
    TILSYN_ASSIGN_OR_RETURN(
        Statement pick,
        db.Prepare(
            Select(Prefixed(kBlobColumns, "b"), kBlobsDueFrom,
                   std::string(kBlobsDueWhere) +
                       "AND b.sweep_until_ms <= ? ORDER BY b.delete_after_ms, b.key LIMIT ?" +
                       db.ClaimLock("b"))));
    pick.Bind(1, now).Bind(2, now).Bind(3, limit > 0 ? static_cast<int64_t>(limit) : kNoLimit);
    TILSYN_RETURN_IF_ERROR(CollectRows(pick, out, ReadBlob));
    for (const BlobRecord& b : out) {
      TILSYN_ASSIGN_OR_RETURN(Statement hold,
                              db.Prepare("UPDATE blobs SET sweep_until_ms = ? WHERE key = ?"));
      hold.Bind(1, until).Bind(2, b.key);
      TILSYN_RETURN_IF_ERROR(hold.Run());
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<BlobRecord>> SqlStore::KeptBlobs(int limit) {
  std::vector<BlobRecord> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare(Select(kBlobColumns, "blobs",
                          "WHERE deleted_ms IS NULL ORDER BY delete_after_ms IS NULL, "
                          "delete_after_ms, key LIMIT ?")));
    st.Bind(1, limit > 0 ? static_cast<int64_t>(limit) : kNoLimit);
    return CollectRows(st, out, ReadBlob);
  }));
  return out;
}

Result<std::map<std::string, int64_t>> SqlStore::CountBlobs() {
  std::map<std::string, int64_t> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        out, QueryCounts(db,
                         "SELECT CASE WHEN deleted_ms IS NULL THEN 'kept' ELSE 'deleted' END AS s, "
                         "COUNT(*) FROM blobs GROUP BY s"));
    return Status::Ok();
  }));
  out.try_emplace("kept", 0);
  out.try_emplace("deleted", 0);
  return out;
}

}  // namespace tilsyn::store::sql
