#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "core/clock.h"
#include "core/time_format.h"

namespace tilsyn {
namespace {

std::atomic<int>& Level() {
  static std::atomic<int> level{[] {
    const char* env = std::getenv("TILSYN_LOG_LEVEL");
    return static_cast<int>(env ? ParseLogLevel(env) : LogLevel::kInfo);
  }()};
  return level;
}

const char* Name(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace

void SetLogLevel(LogLevel level) { Level() = static_cast<int>(level); }

LogLevel ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

void Log(LogLevel level, std::string_view event, const nlohmann::json& fields) {
  if (static_cast<int>(level) < Level().load()) return;
  nlohmann::json line = nlohmann::json::object();
  line["ts"] = FormatIso8601(SystemClock::Get()->NowMs());
  line["level"] = Name(level);
  line["event"] = event;
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  }
  std::string s = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::fprintf(stderr, "%s\n", s.c_str());
}

}  // namespace tilsyn
