#include "core/file_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.h"

namespace tilsyn {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  const std::string msg = what + " " + path + ": " + std::strerror(errno);
  // A full disk passes: the caller keeps its work and retries (RetryPolicy).
  if (errno == ENOSPC || errno == EDQUOT) return Status::StorageFull(msg);
  return Status::IoError(msg);
}

void SyncDir(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp-" + RandomHex(4);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("open", tmp);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status st = Errno("write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return st;
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status st = Errno("fsync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return st;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status st = Errno("rename", tmp);
    ::unlink(tmp.c_str());
    return st;
  }
  SyncDir(path);
  return Status::Ok();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IoError("read " + path);
  return ss.str();
}

Status RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("unlink", path);
  SyncDir(path);
  return Status::Ok();
}

Status MakeDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::IoError("mkdir " + path + ": " + ec.message());
  return Status::Ok();
}

Status CheckFreeSpace(const std::string& path, int64_t min_free_bytes) {
  struct statvfs st;
  if (::statvfs(path.c_str(), &st) != 0) return Errno("statvfs", path);
  const int64_t free_bytes = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
  if (free_bytes < min_free_bytes) {
    return Status::StorageFull("free space " + std::to_string(free_bytes >> 20) +
                               " MiB is below the reserve of " +
                               std::to_string(min_free_bytes >> 20) + " MiB");
  }
  return Status::Ok();
}

}  // namespace tilsyn
