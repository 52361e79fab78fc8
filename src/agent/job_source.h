// JobSource: where the agent gets capture-job deltas. The HTTP implementation calls
// GET <server>/api/v1/jobs?since=V&config_version=C with the vehicle token as Bearer.
// Thread-compatible.
#pragma once

#include <memory>
#include <string>

#include "core/json_util.h"
#include "core/result.h"
#include "net/http_client.h"

namespace tilsyn::agent {

class JobSource {
 public:
  virtual ~JobSource() = default;
  // The sync body {"version", "jobs"[, "agent_config"]} of everything changed after `since`;
  // `config_version` is the agent settings version the agent runs (the server adds the newest
  // settings when they differ). Unavailable (retryable) for network errors and 5xx;
  // Unauthenticated for 401/403; InvalidArgument for a bad body.
  virtual Result<Json> Fetch(int64_t since, int64_t config_version) = 0;
};

std::unique_ptr<JobSource> NewHttpJobSource(std::string server_url, std::string token,
                                            net::TlsTrust trust = {}, int timeout_ms = 10'000);

// "http://h:1/" + "/api/v1/x" -> "http://h:1/api/v1/x".
std::string JoinUrl(const std::string& base, const std::string& path);

}  // namespace tilsyn::agent
