// MemoryBlobStore: a BlobStore fake that keeps bytes in a map, with the same key rules as the
// directory store, and counters so tests can check what was written and deleted. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "store/blob_store.h"

namespace tilsyn::testing {

class MemoryBlobStore : public store::BlobStore {
 public:
  Status Put(const std::string& key, std::string_view data) override;
  Result<std::string> Get(const std::string& key) override;
  Status Delete(const std::string& key) override;
  bool Exists(const std::string& key) override;
  Result<std::vector<std::string>> Keys() override;

  size_t size() const;
  int puts() const;
  int deletes() const;
  // When set, Put fails with this status (fault injection).
  void FailPutsWith(Status st);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> blobs_;
  int puts_ = 0, deletes_ = 0;
  Status put_error_;
};

}  // namespace tilsyn::testing
