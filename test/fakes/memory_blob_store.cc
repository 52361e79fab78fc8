#include "fakes/memory_blob_store.h"

namespace tilsyn::testing {
namespace {

bool ValidKey(const std::string& key) {
  if (key.empty() || key.find("..") != std::string::npos) return false;
  for (char c : key) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Status MemoryBlobStore::Put(const std::string& key, std::string_view data) {
  if (!ValidKey(key)) return Status::InvalidArgument("bad blob key", "key");
  std::lock_guard<std::mutex> lock(mu_);
  if (!put_error_.ok()) return put_error_;
  blobs_[key] = std::string(data);
  ++puts_;
  return Status::Ok();
}

Result<std::string> MemoryBlobStore::Get(const std::string& key) {
  if (!ValidKey(key)) return Status::InvalidArgument("bad blob key", "key");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = blobs_.find(key);
  if (it == blobs_.end()) return Status::NotFound("no blob " + key, "key");
  return it->second;
}

Status MemoryBlobStore::Delete(const std::string& key) {
  if (!ValidKey(key)) return Status::InvalidArgument("bad blob key", "key");
  std::lock_guard<std::mutex> lock(mu_);
  blobs_.erase(key);
  ++deletes_;
  return Status::Ok();
}

bool MemoryBlobStore::Exists(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  return blobs_.count(key) > 0;
}

Result<std::vector<std::string>> MemoryBlobStore::Keys() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [k, v] : blobs_) out.push_back(k);
  return out;
}

size_t MemoryBlobStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return blobs_.size();
}

int MemoryBlobStore::puts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return puts_;
}

int MemoryBlobStore::deletes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return deletes_;
}

void MemoryBlobStore::FailPutsWith(Status st) {
  std::lock_guard<std::mutex> lock(mu_);
  put_error_ = std::move(st);
}

}  // namespace tilsyn::testing
