// Structured logging: one JSON object per line on stderr, {"ts","level","event",...fields}.
// Thread-safe (a mutex around each line). Never log image bytes, tokens or secrets.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace tilsyn {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Lines below `level` are dropped. Default kInfo; TILSYN_LOG_LEVEL=debug|info|warn|error sets it.
void SetLogLevel(LogLevel level);
// Parses "debug"/"info"/"warn"/"error"; unknown names give kInfo.
LogLevel ParseLogLevel(std::string_view name);
void Log(LogLevel level, std::string_view event, const nlohmann::json& fields = nlohmann::json::object());

inline void LogInfo(std::string_view e, const nlohmann::json& f = nlohmann::json::object()) {
  Log(LogLevel::kInfo, e, f);
}
inline void LogWarn(std::string_view e, const nlohmann::json& f = nlohmann::json::object()) {
  Log(LogLevel::kWarn, e, f);
}
inline void LogError(std::string_view e, const nlohmann::json& f = nlohmann::json::object()) {
  Log(LogLevel::kError, e, f);
}
inline void LogDebug(std::string_view e, const nlohmann::json& f = nlohmann::json::object()) {
  Log(LogLevel::kDebug, e, f);
}

}  // namespace tilsyn
