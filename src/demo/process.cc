#include "demo/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

extern char** environ;

namespace tilsyn::demo {

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, SIGKILL);
    Wait();
  }
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_), exit_code_(o.exit_code_) {
  o.pid_ = -1;
}

Result<ChildProcess> ChildProcess::Spawn(const std::vector<std::string>& argv,
                                         const std::map<std::string, std::string>& env_add,
                                         const std::string& stdout_path,
                                         const std::string& stderr_path) {
  if (argv.empty()) return Status::InvalidArgument("empty argv");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (!stdout_path.empty()) {
    posix_spawn_file_actions_addopen(&fa, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
  }
  if (!stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&fa, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
  }
  // The child gets stdin/stdout/stderr only: an inherited listening socket (the demo's server,
  // a test's fake service) would keep its port bound, and its connections unanswered, for as
  // long as the child lives.
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string s(*e);
    std::string key = s.substr(0, s.find('='));
    if (!env_add.count(key)) env_strings.push_back(s);
  }
  for (const auto& [k, v] : env_add) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);
  ChildProcess child;
  int rc = posix_spawn(&child.pid_, argv[0].c_str(), &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    child.pid_ = -1;
    return Status::IoError("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  return child;
}

namespace {
int Decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
}  // namespace

std::optional<int> ChildProcess::Poll() {
  if (exit_code_ || pid_ <= 0) return exit_code_;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) exit_code_ = Decode(status);
  return exit_code_;
}

int ChildProcess::Wait() {
  if (exit_code_ || pid_ <= 0) return exit_code_.value_or(-1);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_code_ = Decode(status);
  return *exit_code_;
}

void ChildProcess::Signal(int sig) {
  if (pid_ > 0 && !exit_code_) ::kill(pid_, sig);
}

std::string SelfDir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return ".";
  return p.parent_path().string();
}

}  // namespace tilsyn::demo
