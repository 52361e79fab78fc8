// The vehicle's outbox key (AES-256, agent/outbox.h): from AgentConfig::outbox_key
// (TILSYN_OUTBOX_KEY: 64 hex digits or base64), else from a key file readable by the agent only
// (AgentConfig::outbox_key_file, or <data_dir>/outbox.key, created with mode 0600 on first start
// and logged as a warning: a key beside the data protects less than one from the environment or
// a separate volume). The key is never logged and never sent to the server.
#pragma once

#include <string>

#include "agent/agent_config.h"
#include "core/result.h"

namespace tilsyn::agent {

// The 32-byte key. InvalidArgument naming "outbox_key" for a malformed key; FailedPrecondition
// naming "outbox_key_file" when the file is readable by group or others; NotFound when a named
// key file is missing.
Result<std::string> ResolveOutboxKey(const AgentConfig& config);

}  // namespace tilsyn::agent
