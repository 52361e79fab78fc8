// The software version, reported by the agent's heartbeat and the server's /healthz.
#pragma once

namespace tilsyn {

inline constexpr char kSoftwareVersion[] = "0.9.0";

}  // namespace tilsyn
