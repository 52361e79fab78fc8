// Hashes and secrets (OpenSSL 3). Used for token hashes, image digests, webhook signatures and
// the audit chain. All functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace tilsyn {

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// Lowercase hex HMAC-SHA256 of `data` under `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// A random secret of `bytes` bytes, hex encoded (2*bytes characters).
std::string RandomHex(size_t bytes);
// Constant-time comparison of two strings (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace tilsyn
