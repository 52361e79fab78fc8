// Test helpers: where the source tree and built binaries are, and self-deleting temp folders.
#pragma once

#include <string>

namespace tilsyn::testing {

// Repository root (TILSYN_SOURCE_DIR, set by CTest).
std::string SourceDir();
// build/bin (TILSYN_BIN_DIR, set by CTest).
std::string BinDir();
// ../shared next to the repository, or "" when absent (tests using it must GTEST_SKIP).
std::string SharedDir();

// A port on 127.0.0.1 that was free a moment ago (for a server a test starts with a fixed port).
int FreeLoopbackPort();

// A fresh folder under /tmp, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace tilsyn::testing
