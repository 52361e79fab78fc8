// EncryptedBlobStore: a BlobStore decorator that encrypts every image at rest with AES-256-GCM
// (invariant 6). File format (all in the inner store's value):
//   "TLSYNENC" (8 bytes magic) | version 0x01 | key id length (1 byte) | key id |
//   nonce (12 random bytes) | ciphertext | tag (16 bytes)
// The header and the blob key are authenticated as additional data, so a file moved to another
// key, or any flipped bit, fails to decrypt. Writes use the keyring's current key; reads accept
// any key in the ring by its id. Errors on read: FailedPrecondition when the file's key id is
// not in the ring or the file is not encrypted, Internal when authentication fails (tampered
// file or wrong key material). Plaintext never reaches the inner store. Thread-safe when the
// inner store is.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/blob_store.h"
#include "store/image_keyring.h"

namespace tilsyn::store {

inline constexpr std::string_view kEncryptedBlobMagic = "TLSYNENC";

// Takes ownership of `inner`.
std::unique_ptr<BlobStore> NewEncryptedBlobStore(std::unique_ptr<BlobStore> inner,
                                                 ImageKeyring keyring);

// Encrypts / decrypts one value (exposed for tests and rotation). `blob_key` is authenticated.
Result<std::string> EncryptImage(std::string_view plaintext, const ImageKeyring& ring,
                                 const std::string& blob_key);
Result<std::string> DecryptImage(std::string_view stored, const ImageKeyring& ring,
                                 const std::string& blob_key);
// The key id in an encrypted value's header; FailedPrecondition when `stored` is not encrypted.
Result<std::string> EncryptedKeyId(std::string_view stored);

struct RotationReport {
  int64_t rewritten = 0;   // re-encrypted from an older key to the current one
  int64_t encrypted = 0;   // found unencrypted (written before encryption) and encrypted now
  int64_t unchanged = 0;   // already under the current key
  int64_t failed = 0;      // could not be read (unknown key, tampered): left as they are
  std::vector<std::string> errors;  // "key: reason" per failure
};

// Re-encrypts every value of `raw` (the inner, undecorated store) to the ring's current key,
// in memory; each rewrite is atomic in the inner store. Values without the magic are encrypted
// (migration from an unencrypted folder). Failures are reported, not fatal.
Result<RotationReport> RotateImageKeys(BlobStore& raw, const ImageKeyring& ring);

}  // namespace tilsyn::store
