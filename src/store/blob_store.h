// BlobStore: where image bytes live, by key. The default keeps one file per key in a directory
// (written atomically); the privacy issue adds encryption at rest behind this seam, the scale-out
// work a PostgreSQL backend. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tilsyn::store {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Stores `data` under `key` durably; replaces an existing value. Keys are [A-Za-z0-9_.-]+.
  virtual Status Put(const std::string& key, std::string_view data) = 0;
  // NotFound when absent.
  virtual Result<std::string> Get(const std::string& key) = 0;
  // Removes the bytes; ok when already absent.
  virtual Status Delete(const std::string& key) = 0;
  virtual bool Exists(const std::string& key) = 0;
  // Every stored key, sorted (key rotation walks them). Unimplemented by default.
  virtual Result<std::vector<std::string>> Keys() {
    return Status::FailedPrecondition("this blob store cannot list its keys");
  }
};

// Files under `dir` (created if needed).
Result<std::unique_ptr<BlobStore>> OpenDirBlobStore(const std::string& dir);

}  // namespace tilsyn::store
