// Tasks and capture jobs. A task is stored whole as JSON (with webhook secrets) next to indexed
// columns; server-owned fields live only in the columns because TaskFromJson ignores them.
#include <algorithm>

#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"
#include "tasks/task_json.h"

namespace tilsyn::store::sql {
namespace {

constexpr std::string_view kTaskColumns =
    "id, status, revision, owner, created_ms, updated_ms, json";

Result<tasks::Task> ReadTask(const Statement& st) {
  const std::string id = st.Text(0);
  Json j = ParseJsonColumn(st.Text(6), Json());
  auto parsed = tasks::TaskFromJson(j);
  if (!parsed.ok()) {
    return Status::Internal("stored task " + id + " is unreadable: " + parsed.status().ToString());
  }
  tasks::Task t = std::move(parsed).value();
  t.id = id;
  auto status = tasks::ParseTaskStatus(st.Text(1));
  if (!status) return Status::Internal("stored task " + id + " has an unknown status");
  t.status = *status;
  t.revision = st.Int(2);
  t.owner = st.Text(3);
  t.created_ms = st.Int(4);
  t.updated_ms = st.Int(5);
  return t;
}

Result<tasks::Task> LoadTask(Db& db, const std::string& id) {
  TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare(Select(kTaskColumns, "tasks", "WHERE id = ?")));
  st.Bind(1, id);
  TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no task " + id, "id");
  return ReadTask(st);
}

Result<tasks::CaptureJob> ReadJob(const Statement& st) {
  const std::string id = st.Text(0);
  Json j = ParseJsonColumn(st.Text(4), Json());
  auto parsed = tasks::JobFromJson(j);
  if (!parsed.ok()) {
    return Status::Internal("stored job " + id + " is unreadable: " + parsed.status().ToString());
  }
  tasks::CaptureJob job = std::move(parsed).value();
  job.id = id;
  job.task_id = st.Text(1);
  job.version = st.Int(2);
  job.active = st.Int(3) != 0;
  return job;
}

constexpr std::string_view kJobColumns = "id, task_id, version, active, json";

Status UpsertJob(Db& db, tasks::CaptureJob job) {
  TILSYN_ASSIGN_OR_RETURN(int64_t max_version,
                          db.QueryInt("SELECT COALESCE(MAX(version), 0) FROM jobs"));
  job.version = max_version + 1;
  TILSYN_ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare("INSERT INTO jobs (id, task_id, version, active, json) VALUES (?, ?, ?, ?, ?) "
                 "ON CONFLICT(id) DO UPDATE SET task_id = excluded.task_id, "
                 "version = excluded.version, active = excluded.active, json = excluded.json"));
  st.Bind(1, job.id).Bind(2, job.task_id).Bind(3, job.version).Bind(4, job.active);
  st.Bind(5, tasks::JobToJson(job).dump());
  return st.Run();
}

}  // namespace

Status SqlStore::CreateTask(const tasks::Task& task) {
  if (task.id.empty()) return Status::InvalidArgument("task id is empty", "id");
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("INSERT INTO tasks (id, status, kind, unit, owner, revision, legal_hold, "
                   "created_ms, updated_ms, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st.Bind(1, task.id)
        .Bind(2, tasks::ToString(task.status))
        .Bind(3, tasks::ToString(task.kind))
        .Bind(4, task.unit)
        .Bind(5, task.owner)
        .Bind(6, task.revision)
        .Bind(7, task.retention.legal_hold)
        .Bind(8, task.created_ms)
        .Bind(9, task.updated_ms)
        .Bind(10, tasks::TaskToJson(task, /*include_secrets=*/true).dump());
    Status s = st.Run();
    if (s.code() == Code::kAlreadyExists)
      return Status::AlreadyExists("task " + task.id + " exists");
    return s;
  });
}

Result<tasks::Task> SqlStore::GetTask(const std::string& id) {
  tasks::Task out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(out, LoadTask(db, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<tasks::Task>> SqlStore::ListTasks(const TaskFilter& filter) {
  std::vector<tasks::Task> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    std::string where = "WHERE 1 = 1";
    if (!filter.statuses.empty()) {
      where += " AND status IN (?";
      for (size_t k = 1; k < filter.statuses.size(); ++k) where += ", ?";
      where += ")";
    }
    if (filter.kind) where += " AND kind = ?";
    if (filter.unit) where += " AND unit = ?";
    if (!filter.visible_units.empty()) {
      where += " AND (unit = ''";
      for (size_t k = 0; k < filter.visible_units.size(); ++k) where += " OR unit = ?";
      where += ")";
    }
    where += " ORDER BY created_ms DESC, id LIMIT ? OFFSET ?";
    TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare(Select(kTaskColumns, "tasks", where)));
    int i = 1;
    for (tasks::TaskStatus s : filter.statuses) st.Bind(i++, tasks::ToString(s));
    if (filter.kind) st.Bind(i++, tasks::ToString(*filter.kind));
    if (filter.unit) st.Bind(i++, *filter.unit);
    for (const std::string& u : filter.visible_units) st.Bind(i++, u);
    st.Bind(i, filter.limit > 0 ? static_cast<int64_t>(filter.limit) : kNoLimit);
    st.Bind(i + 1, std::max(filter.offset, 0));
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      TILSYN_ASSIGN_OR_RETURN(tasks::Task t, ReadTask(st));
      out.push_back(std::move(t));
    }
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::UpdateTask(const tasks::Task& task, const std::optional<tasks::CaptureJob>& job) {
  return Write([&](Db& db) -> Status {
    // created_ms is fixed at creation and kept.
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("UPDATE tasks SET status = ?, kind = ?, unit = ?, owner = ?, revision = ?, "
                   "legal_hold = ?, updated_ms = ?, json = ? WHERE id = ?"));
    st.Bind(1, tasks::ToString(task.status))
        .Bind(2, tasks::ToString(task.kind))
        .Bind(3, task.unit)
        .Bind(4, task.owner)
        .Bind(5, task.revision)
        .Bind(6, task.retention.legal_hold)
        .Bind(7, task.updated_ms)
        .Bind(8, tasks::TaskToJson(task, /*include_secrets=*/true).dump())
        .Bind(9, task.id);
    TILSYN_RETURN_IF_ERROR(st.Run());
    if (db.Changes() == 0) return Status::NotFound("no task " + task.id, "id");
    if (job) TILSYN_RETURN_IF_ERROR(UpsertJob(db, *job));
    return Status::Ok();
  });
}

Result<std::vector<tasks::CaptureJob>> SqlStore::JobsSince(int64_t since) {
  std::vector<tasks::CaptureJob> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare(Select(kJobColumns, "jobs",
                                                            "WHERE version > ? ORDER BY version")));
    st.Bind(1, since);
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      TILSYN_ASSIGN_OR_RETURN(tasks::CaptureJob job, ReadJob(st));
      out.push_back(std::move(job));
    }
    return Status::Ok();
  }));
  return out;
}

Result<tasks::CaptureJob> SqlStore::GetJob(const std::string& id) {
  std::optional<tasks::CaptureJob> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare(Select(kJobColumns, "jobs", "WHERE id = ?")));
    st.Bind(1, id);
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no job " + id, "id");
    TILSYN_ASSIGN_OR_RETURN(out, ReadJob(st));
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<int64_t> SqlStore::BumpJobVersions(const std::vector<std::string>& task_ids) {
  int64_t bumped = 0;
  TILSYN_RETURN_IF_ERROR(Write([&](Db& db) -> Status {
    bumped = 0;
    for (const std::string& id : task_ids) {
      TILSYN_ASSIGN_OR_RETURN(int64_t max_version,
                              db.QueryInt("SELECT COALESCE(MAX(version), 0) FROM jobs"));
      TILSYN_ASSIGN_OR_RETURN(Statement st,
                              db.Prepare("UPDATE jobs SET version = ? WHERE task_id = ?"));
      st.Bind(1, max_version + 1).Bind(2, id);
      TILSYN_RETURN_IF_ERROR(st.Run());
      bumped += db.Changes();
    }
    return Status::Ok();
  }));
  return bumped;
}

Result<int64_t> SqlStore::CurrentJobVersion() {
  int64_t out = 0;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(out, db.QueryInt("SELECT COALESCE(MAX(version), 0) FROM jobs"));
    return Status::Ok();
  }));
  return out;
}

}  // namespace tilsyn::store::sql
