// Outbox: the vehicle's crash-safe queue of anonymized observations waiting for upload.
// One file per observation, `<data_dir>/outbox/<uuid>.obs`, written with WriteFileAtomic; format:
// 8-byte little-endian metadata length, the metadata JSON, then the JPEG bytes. An entry is removed
// only after the server acknowledged it. An entry the server refuses for good is moved to
// `<data_dir>/rejected/<uuid>.json` as metadata + server error, WITHOUT image bytes, and its image
// is deleted: never silently lost, never retried forever. Temp files left by a crash are removed on
// Open. Thread-safe (the agent thread puts, the uploader thread lists, reads and removes).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"

namespace tilsyn::agent {

struct OutboxEntry {
  std::string id;        // observation UUID (file name stem)
  std::string metadata;  // JSON text
  std::string jpeg;      // anonymized JPEG bytes
};

class Outbox {
 public:
  // Creates `<data_dir>/outbox` and `<data_dir>/rejected` and removes crash leftovers there.
  // IoError when the folders cannot be made.
  static Result<std::unique_ptr<Outbox>> Open(const std::string& data_dir);

  // Stores an observation durably. InvalidArgument when `id` is not a UUID.
  Status Put(const std::string& id, std::string_view metadata_json, std::string_view jpeg);
  // Ids of stored observations, oldest first.
  Result<std::vector<std::string>> List() const;
  size_t Count() const;
  // NotFound when absent; Internal when the file is corrupt (truncated, bad length).
  Result<OutboxEntry> Read(const std::string& id) const;
  // Deletes an acknowledged observation (ok when already absent).
  Status Remove(const std::string& id);
  // Writes `<data_dir>/rejected/<id>.json` = {"id", "metadata", "error", "rejected_at"} and deletes
  // the outbox file with its image. `metadata` may be empty when the entry was unreadable.
  Status Reject(const std::string& id, std::string_view metadata_json, const Json& error);

  // The serialized file format (exposed for tests and tools).
  static std::string Encode(std::string_view metadata_json, std::string_view jpeg);
  static Result<OutboxEntry> Decode(const std::string& id, std::string_view bytes);

  const std::string& outbox_dir() const { return outbox_dir_; }
  const std::string& rejected_dir() const { return rejected_dir_; }
  // Temp files removed by Open.
  int cleaned_on_open() const { return cleaned_on_open_; }

 private:
  Outbox(std::string outbox_dir, std::string rejected_dir)
      : outbox_dir_(std::move(outbox_dir)), rejected_dir_(std::move(rejected_dir)) {}
  std::string PathFor(const std::string& id) const;

  std::string outbox_dir_, rejected_dir_;
  int cleaned_on_open_ = 0;
  mutable std::mutex mu_;
};

}  // namespace tilsyn::agent
