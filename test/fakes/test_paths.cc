#include "fakes/test_paths.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace tilsyn::testing {

std::string SourceDir() {
  const char* e = std::getenv("TILSYN_SOURCE_DIR");
  return e ? e : TILSYN_SOURCE_DIR_DEFAULT;
}

std::string BinDir() {
  const char* e = std::getenv("TILSYN_BIN_DIR");
  if (e) return e;
  // Test binaries are built next to tilsyn and tilsyn-agent.
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "build/bin" : exe.parent_path().string();
}

std::string SharedDir() {
  std::filesystem::path p = std::filesystem::path(SourceDir()) / ".." / "shared";
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) return std::filesystem::canonical(p, ec).string();
  return "";
}

TempDir::TempDir() {
  std::string tmpl = "/tmp/tilsyn-test-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

}  // namespace tilsyn::testing
