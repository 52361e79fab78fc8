// JobCache: the capture jobs this vehicle holds, by id, built from the server's sync deltas
// (GET /api/v1/jobs?since=V → {"version": V2, "jobs": [job…]}). Active jobs are upserted, inactive
// ones dropped. After each delta the cache is written atomically to `<data_dir>/jobs.json` with the
// last version, so a restarted agent syncs from there. Not thread-safe (the agent's GPS thread
// owns it).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "tasks/capture_job.h"

namespace tilsyn::agent {

class JobCache {
 public:
  // Loads `<data_dir>/jobs.json` when present (creating data_dir if needed). A corrupt file is
  // logged and ignored (the agent then syncs from version 0); IoError when data_dir is unusable.
  static Result<JobCache> Load(const std::string& data_dir);

  // Applies a sync response body and persists. InvalidArgument (field "version"/"jobs") for a
  // malformed body, leaving the cache unchanged. A job that fails to parse is dropped (never
  // captured on constraints we cannot read) and logged.
  Status ApplyDelta(const Json& body);

  int64_t version() const { return version_; }
  const std::map<std::string, tasks::CaptureJob>& jobs() const { return jobs_; }
  const tasks::CaptureJob* Find(const std::string& id) const;
  std::vector<std::string> Ids() const;
  // Jobs dropped from a delta because they did not parse, since start.
  int64_t bad_jobs() const { return bad_jobs_; }

 private:
  Status Persist() const;

  std::string path_;
  int64_t version_ = 0;
  std::map<std::string, tasks::CaptureJob> jobs_;
  int64_t bad_jobs_ = 0;
};

}  // namespace tilsyn::agent
