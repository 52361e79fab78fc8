// Outbox: the vehicle's crash-safe queue of anonymized observations waiting for upload.
// One file per observation, `<data_dir>/outbox/<uuid>.obs`, written with WriteFileAtomic and
// encrypted with the vehicle's outbox key (AES-256-GCM; a stolen disk shows no image, position or
// time): "TLSYNOBX", a version byte, a 12-byte nonce, then the sealed record — 8-byte
// little-endian metadata length, the metadata JSON, the JPEG bytes — with the header and the
// observation id authenticated. Files of the earlier plaintext format are still read (nothing
// queued before an upgrade is lost). An entry is removed
// only after the server acknowledged it. An entry the server refuses for good is moved to
// `<data_dir>/rejected/<uuid>.json` as metadata + server error, WITHOUT image bytes, and its image
// is deleted: never silently lost, never retried forever. Temp files left by a crash are removed on
// Open. Thread-safe (the agent thread puts, the uploader thread lists, reads and removes).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"

namespace tilsyn::agent {

// Caps on what may wait on the vehicle: a small PC's disk and the data's purpose are both limited.
// Beyond them the OLDEST waiting observations are dropped, each leaving a record in rejected/
// (metadata and reason, no image): never silently.
struct OutboxLimits {
  int64_t max_bytes = int64_t{1} << 30;  // all waiting files together; 0 = no cap
  int64_t max_age_s = 14 * 86'400;       // since the file was written (the capture); 0 = no cap
};

// What waits, for the agent's heartbeat.
struct OutboxStats {
  int64_t depth = 0;        // observations waiting
  double oldest_age_s = 0;  // since the oldest was written (0 when empty)
};

struct OutboxEntry {
  std::string id;        // observation UUID (file name stem)
  std::string metadata;  // JSON text
  std::string jpeg;      // anonymized JPEG bytes
};

class Outbox {
 public:
  // Creates `<data_dir>/outbox` and `<data_dir>/rejected` and removes crash leftovers there.
  // `key` is the 32-byte outbox key (agent/outbox_key.h). IoError when the folders cannot be
  // made, InvalidArgument for a key of another size.
  static Result<std::unique_ptr<Outbox>> Open(const std::string& data_dir, std::string key);

  // Stores an observation durably. InvalidArgument when `id` is not a UUID.
  Status Put(const std::string& id, std::string_view metadata_json, std::string_view jpeg);
  // Ids of stored observations, oldest first.
  Result<std::vector<std::string>> List() const;
  size_t Count() const;
  // NotFound when absent; Internal when the file is corrupt (truncated, bad length, altered) or
  // was sealed under another key.
  Result<OutboxEntry> Read(const std::string& id) const;
  // Deletes an acknowledged observation (ok when already absent).
  Status Remove(const std::string& id);
  // Writes `<data_dir>/rejected/<id>.json` = {"id", "metadata", "error", "rejected_at"} and deletes
  // the outbox file with its image. `metadata` may be empty when the entry was unreadable.
  Status Reject(const std::string& id, std::string_view metadata_json, const Json& error);
  // Drops, oldest first, every entry older than `limits.max_age_s` and then as many as needed to
  // bring the total under `limits.max_bytes` (the newest entry is never dropped for size). Each
  // is Reject()ed with error code "outbox_expired" or "outbox_full". Returns how many.
  Result<int> EnforceLimits(const OutboxLimits& limits);
  // Depth, size and the oldest entry's age (an unreadable folder counts as empty).
  OutboxStats Stats() const;
  // Entries dropped by EnforceLimits since Open.
  int64_t dropped() const { return dropped_; }

  // The file format (exposed for tests and tools): Seal encrypts a record for `id`, Open reads a
  // sealed or an earlier plaintext file.
  // Internal when encryption fails (nothing is written then, never plaintext).
  Result<std::string> Seal(const std::string& id, std::string_view metadata_json,
                           std::string_view jpeg) const;
  Result<OutboxEntry> Unseal(const std::string& id, std::string_view bytes) const;
  // The plaintext record inside (and the earlier file format).
  static std::string Encode(std::string_view metadata_json, std::string_view jpeg);
  static Result<OutboxEntry> Decode(const std::string& id, std::string_view bytes);

  const std::string& outbox_dir() const { return outbox_dir_; }
  const std::string& rejected_dir() const { return rejected_dir_; }
  // Temp files removed by Open.
  int cleaned_on_open() const { return cleaned_on_open_; }

 private:
  Outbox(std::string outbox_dir, std::string rejected_dir, std::string key)
      : outbox_dir_(std::move(outbox_dir)),
        rejected_dir_(std::move(rejected_dir)),
        key_(std::move(key)) {}
  struct File {
    std::filesystem::file_time_type mtime;
    std::string id;
    int64_t size;
  };
  // The outbox files, oldest first (temp leftovers excluded).
  Result<std::vector<File>> Files() const;
  std::string PathFor(const std::string& id) const;

  std::string outbox_dir_, rejected_dir_;
  std::string key_;  // never logged, never uploaded
  int cleaned_on_open_ = 0;
  std::atomic<int64_t> dropped_{0};
  mutable std::mutex mu_;
};

}  // namespace tilsyn::agent
