// ImageKeyring: the AES-256 keys that protect images at rest (invariant 6), by key id, with the
// current id used for new writes. Keys come from configuration or the environment
// (TILSYN_IMAGE_KEY, TILSYN_IMAGE_KEYS="id1:key1,id2:key2", TILSYN_IMAGE_KEY_ID) and are never
// stored in the database. A key is 32 bytes written as 64 hex digits or standard base64.
// Immutable after construction; thread-safe to share.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tilsyn::store {

// 32 raw bytes from 64 hex digits or base64 (44 characters with padding); InvalidArgument
// naming `field` otherwise. The message never contains the key.
Result<std::string> DecodeImageKey(std::string_view text, const std::string& field);

class ImageKeyring {
 public:
  // "id1:key1,id2:key2"; `current_id` empty = the last listed. Ids are [A-Za-z0-9_-]{1,32}.
  static Result<ImageKeyring> Parse(std::string_view keys, std::string_view current_id);
  // One key with id `id`.
  static Result<ImageKeyring> Single(std::string_view key, std::string_view id);

  const std::string& current_id() const { return current_id_; }
  const std::string& current_key() const { return keys_.at(current_id_); }
  // nullptr when `id` is not in the ring.
  const std::string* Find(const std::string& id) const;
  std::vector<std::string> ids() const;

 private:
  Status Add(const std::string& id, std::string raw_key);
  std::map<std::string, std::string> keys_;  // id -> 32 raw bytes
  std::string current_id_;
};

// A fresh random key as 64 hex digits.
std::string GenerateImageKeyHex();

}  // namespace tilsyn::store
