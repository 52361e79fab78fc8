// Configuration files: the server's JSON config and the agent's. Never a crash; an accepted
// agent config validates or names the field.
#include "agent/agent_config.h"
#include "fuzz/fuzz_util.h"
#include "server/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tilsyn;
  Result<Json> j = ParseJson(fuzz::Text(data, size));
  if (!j.ok()) return 0;
  (void)server::ServerConfig::FromJson(*j);
  agent::AgentConfig a;
  a.server_url = "http://127.0.0.1:8080";
  a.token = "t";
  a.gps_file = "x.nmea";
  a.camera_dir = "cam";
  if (agent::ApplyConfigJson(*j, &a).ok()) (void)a.Validate();
  return 0;
}
