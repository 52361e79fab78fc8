// Child processes for the demo and integration tests: spawn a binary with arguments and
// environment additions, its stdout and stderr sent to files; wait, poll, signal. Not thread-safe
// per object.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace tilsyn::demo {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // kills (SIGKILL) and reaps a child still running
  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;

  // Starts `argv[0]` (a path) with `argv`; stdout/stderr to the given files ("" = inherit).
  static Result<ChildProcess> Spawn(const std::vector<std::string>& argv,
                                    const std::map<std::string, std::string>& env_add,
                                    const std::string& stdout_path, const std::string& stderr_path);
  // Exit code once finished (128+signal when killed), nullopt while running.
  std::optional<int> Poll();
  // Blocks until exit; returns the exit code.
  int Wait();
  void Signal(int sig);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// The folder of the running executable (to find sibling binaries such as tilsyn-agent).
std::string SelfDir();

}  // namespace tilsyn::demo
