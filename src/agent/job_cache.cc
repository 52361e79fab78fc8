#include "agent/job_cache.h"

#include <filesystem>

#include "core/file_util.h"
#include "core/log.h"

namespace tilsyn::agent {

Result<JobCache> JobCache::Load(const std::string& data_dir) {
  TILSYN_RETURN_IF_ERROR(MakeDirs(data_dir));
  JobCache cache;
  cache.path_ = (std::filesystem::path(data_dir) / "jobs.json").string();
  Result<std::string> text = ReadFile(cache.path_);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return cache;
    return text.status();
  }
  Result<Json> j = ParseJson(*text);
  Result<int64_t> version = j.ok() ? GetInt(*j, "version", "version") : j.status();
  if (!version.ok() || !j->contains("jobs") || !(*j)["jobs"].is_array()) {
    LogWarn("agent.jobs_cache_corrupt", {{"path", cache.path_}});
    return cache;
  }
  std::map<std::string, tasks::CaptureJob> jobs;
  for (const Json& jj : (*j)["jobs"]) {
    Result<tasks::CaptureJob> job = tasks::JobFromJson(jj);
    if (!job.ok()) {
      // A partial cache could miss an inactivation; start over from version 0 instead.
      LogWarn("agent.jobs_cache_corrupt",
              {{"path", cache.path_}, {"error", job.status().ToString()}});
      return cache;
    }
    if (job->active) jobs[job->id] = std::move(job).value();
  }
  cache.version_ = *version;
  cache.jobs_ = std::move(jobs);
  return cache;
}

Status JobCache::ApplyDelta(const Json& body) {
  if (!body.is_object()) return Status::InvalidArgument("sync body is not an object", "body");
  TILSYN_ASSIGN_OR_RETURN(int64_t version, GetInt(body, "version", "version"));
  if (!body.contains("jobs") || !body["jobs"].is_array()) {
    return Status::InvalidArgument("jobs must be an array", "jobs");
  }
  for (const Json& jj : body["jobs"]) {
    Result<tasks::CaptureJob> job = tasks::JobFromJson(jj);
    if (!job.ok()) {
      ++bad_jobs_;
      std::string id = jj.is_object() && jj.contains("id") && jj["id"].is_string()
                           ? jj["id"].get<std::string>()
                           : "";
      if (!id.empty()) jobs_.erase(id);
      LogWarn("agent.job_unreadable", {{"job_id", id}, {"error", job.status().ToString()}});
      continue;
    }
    if (job->active) {
      jobs_[job->id] = std::move(job).value();
    } else {
      jobs_.erase(job->id);
    }
  }
  if (version > version_) version_ = version;
  return Persist();
}

const tasks::CaptureJob* JobCache::Find(const std::string& id) const {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

std::vector<std::string> JobCache::Ids() const {
  std::vector<std::string> ids;
  ids.reserve(jobs_.size());
  for (const auto& [id, _] : jobs_) ids.push_back(id);
  return ids;
}

Status JobCache::Persist() const {
  if (path_.empty()) return Status::Ok();
  Json arr = Json::array();
  for (const auto& [_, job] : jobs_) arr.push_back(tasks::JobToJson(job));
  Json doc = {{"version", version_}, {"jobs", std::move(arr)}};
  return WriteFileAtomic(path_, doc.dump());
}

}  // namespace tilsyn::agent
