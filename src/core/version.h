// The software version (CMake's project version, passed as TILSYN_VERSION), reported by
// `--version`, the agent's heartbeat and the Debian package.
#pragma once

#ifndef TILSYN_VERSION
#define TILSYN_VERSION "0.0.0-unversioned"
#endif

namespace tilsyn {

inline constexpr char kSoftwareVersion[] = TILSYN_VERSION;

}  // namespace tilsyn
