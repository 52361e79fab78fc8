// Hashes, secrets and authenticated encryption (OpenSSL 3). Used for token hashes, image digests,
// webhook signatures, the audit chain, images at rest on the server and the vehicle's outbox.
// All functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace tilsyn {

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// Lowercase hex HMAC-SHA256 of `data` under `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// A random secret of `bytes` bytes, hex encoded (2*bytes characters).
std::string RandomHex(size_t bytes);
// Constant-time comparison of two strings (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// `n` random bytes (OpenSSL's CSPRNG).
std::string RandomBytes(size_t n);
// Standard base64 with padding (RFC 4648), e.g. for MIME encoded-words.
std::string Base64Encode(std::string_view data);

// A 32-byte key written as 64 hex digits or 44 base64 characters (surrounding white space
// ignored). InvalidArgument naming `field` ("<what> must be 32 bytes as …") otherwise.
Result<std::string> DecodeKey256(std::string_view text, const std::string& field,
                                 std::string_view what = "a key");

// AES-256-GCM with a 32-byte `key` and a 12-byte `nonce` (never reuse a nonce under one key):
// the ciphertext followed by the 16-byte tag; `aad` is authenticated, not encrypted.
Result<std::string> AesGcmEncrypt(std::string_view key, std::string_view nonce,
                                  std::string_view aad, std::string_view plaintext);
// The inverse; Internal when the tag does not verify (altered data or another key).
Result<std::string> AesGcmDecrypt(std::string_view key, std::string_view nonce,
                                  std::string_view aad, std::string_view sealed);
inline constexpr size_t kGcmNonceBytes = 12;
inline constexpr size_t kGcmTagBytes = 16;

}  // namespace tilsyn
