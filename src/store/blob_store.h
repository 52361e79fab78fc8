// BlobStore: where image bytes live, by key. The default keeps one file per key in a directory
// (written atomically); encryption at rest is a decorator (encrypted_blob_store.h); installs on
// PostgreSQL keep the bytes in a table instead. Thread-safe.
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

// Ok for a key of 1..200 characters in [A-Za-z0-9_.-] that cannot name a path outside a folder
// (no "..") or clash with a temp file (no ".tmp-"); InvalidArgument (field "key") otherwise.
Status ValidateBlobKey(const std::string& key);

// Files under `dir` (created if needed).
Result<std::unique_ptr<BlobStore>> OpenDirBlobStore(const std::string& dir);

// Rows of the `images` table of the PostgreSQL database at `url` (store/sql/sql_blob_store.cc),
// so API instances and workers on several machines need no shared disk. Runs pending migrations.
Result<std::unique_ptr<BlobStore>> OpenPostgresBlobStore(const std::string& url,
                                                         int connections = 4);

// A PostgreSQL URL (IsPostgresUrl) opens the table, anything else the folder.
Result<std::unique_ptr<BlobStore>> OpenBlobStore(const std::string& location);

}  // namespace tilsyn::store
