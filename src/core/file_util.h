// Small file-system helpers with crash-safe writes. Thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace tilsyn {

// Writes `data` to `path` atomically and durably: a temp file in the same folder, fsync, rename,
// fsync of the folder. After a crash the file is either absent or complete.
Status WriteFileAtomic(const std::string& path, std::string_view data);
// Reads a whole file. NotFound when absent.
Result<std::string> ReadFile(const std::string& path);
// Removes a file if present (ok when absent); fsyncs the folder.
Status RemoveFile(const std::string& path);
// mkdir -p.
Status MakeDirs(const std::string& path);

// Ok while the file system holding `path` has at least `min_free_bytes` available to this
// process; StorageFull (no path in the message) below it; IoError when it cannot be queried.
Status CheckFreeSpace(const std::string& path, int64_t min_free_bytes);

}  // namespace tilsyn
