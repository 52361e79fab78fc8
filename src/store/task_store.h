// TaskStore: tasks and the capture jobs planned from them. One of the narrow seams of the store
// (store/store.h): code that needs only this aggregate takes a TaskStore; the SQL store
// (store/sql/) implements every seam in one class, on SQLite and PostgreSQL. Thread-safe as its
// implementation; every method is one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "tasks/capture_job.h"
#include "tasks/task.h"

namespace tilsyn::store {

// Listing limits: `limit` <= 0 means no limit.
struct TaskFilter {
  std::vector<tasks::TaskStatus> statuses;  // any of these (empty = every status)
  std::optional<tasks::TaskKind> kind;
  std::optional<std::string> unit;
  // Visibility of an inspector with units: only tasks of these units or of none (empty = all).
  std::vector<std::string> visible_units;
  int limit = 100;
  int offset = 0;
};

class TaskStore {
 public:
  virtual ~TaskStore() = default;

  virtual Status CreateTask(const tasks::Task& task) = 0;  // AlreadyExists on id clash
  virtual Result<tasks::Task> GetTask(const std::string& id) = 0;
  // Newest (created_ms) first.
  virtual Result<std::vector<tasks::Task>> ListTasks(const TaskFilter& filter) = 0;
  // Replaces the stored task (created_ms stays as created) and, when `job` is given, upserts the
  // job in the same transaction (assigning it the next version). NotFound when the task does not
  // exist.
  virtual Status UpdateTask(const tasks::Task& task,
                            const std::optional<tasks::CaptureJob>& job) = 0;

  // Capture jobs.
  // Jobs whose version > `since`, ordered by version (includes inactive ones, so agents drop them).
  virtual Result<std::vector<tasks::CaptureJob>> JobsSince(int64_t since) = 0;
  virtual Result<tasks::CaptureJob> GetJob(const std::string& id) = 0;
  // The highest job version (0 when none).
  virtual Result<int64_t> CurrentJobVersion() = 0;
  // Gives the jobs of these tasks new versions (unchanged otherwise), so agents sync them again
  // (e.g. after the planner's vehicle selection changed). Returns how many jobs; unknown task ids
  // and tasks without a job are skipped.
  virtual Result<int64_t> BumpJobVersions(const std::vector<std::string>& task_ids) = 0;
};

}  // namespace tilsyn::store
