// BlobStore as one file per key in a directory. Files are written atomically (temp file, fsync,
// rename) with mode 0600; keys are checked so a key can never name a path outside the folder.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "core/file_util.h"
#include "store/blob_store.h"

namespace tilsyn::store {

Status ValidateBlobKey(const std::string& key) {
  if (key.empty() || key.size() > 200) {
    return Status::InvalidArgument("blob key must have 1 to 200 characters", "key");
  }
  for (char c : key) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok)
      return Status::InvalidArgument("blob key has a character outside [A-Za-z0-9_.-]", "key");
  }
  if (key.find("..") != std::string::npos || key == ".") {
    return Status::InvalidArgument("blob key must not contain '..'", "key");
  }
  // WriteFileAtomic's temp files are "<key>.tmp-<hex>"; a key of that shape could clash.
  if (key.find(".tmp-") != std::string::npos) {
    return Status::InvalidArgument("blob key must not contain '.tmp-'", "key");
  }
  return Status::Ok();
}

namespace {

class DirBlobStore : public BlobStore {
 public:
  explicit DirBlobStore(std::string dir) : dir_(std::move(dir)) {}

  Status Put(const std::string& key, std::string_view data) override {
    TILSYN_RETURN_IF_ERROR(ValidateBlobKey(key));
    return WriteFileAtomic(PathOf(key), data);
  }

  Result<std::string> Get(const std::string& key) override {
    TILSYN_RETURN_IF_ERROR(ValidateBlobKey(key));
    std::error_code ec;
    if (!std::filesystem::is_regular_file(PathOf(key), ec)) {
      return Status::NotFound("no blob " + key, "key");
    }
    return ReadFile(PathOf(key));
  }

  Status Delete(const std::string& key) override {
    TILSYN_RETURN_IF_ERROR(ValidateBlobKey(key));
    return RemoveFile(PathOf(key));
  }

  bool Exists(const std::string& key) override {
    if (!ValidateBlobKey(key).ok()) return false;
    std::error_code ec;
    return std::filesystem::is_regular_file(PathOf(key), ec);
  }

  Result<std::vector<std::string>> Keys() override {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
      std::string name = entry.path().filename().string();
      // Leftover temp files of an interrupted write are not blobs.
      if (entry.is_regular_file(ec) && ValidateBlobKey(name).ok()) out.push_back(std::move(name));
    }
    if (ec) return Status::IoError("cannot list " + dir_ + ": " + ec.message());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::string PathOf(const std::string& key) const { return dir_ + "/" + key; }
  std::string dir_;
};

}  // namespace

Result<std::unique_ptr<BlobStore>> OpenDirBlobStore(const std::string& dir) {
  if (dir.empty()) return Status::InvalidArgument("blob directory is empty", "dir");
  std::error_code ec;
  const bool existed = std::filesystem::exists(dir, ec);
  TILSYN_RETURN_IF_ERROR(MakeDirs(dir));
  // Images are personal data until deleted: a folder we create is readable by its owner only.
  if (!existed) ::chmod(dir.c_str(), 0700);
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::IoError("blob store path is not a directory: " + dir);
  }
  return std::unique_ptr<BlobStore>(new DirBlobStore(dir));
}

}  // namespace tilsyn::store
