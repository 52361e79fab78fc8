// Password hashing for people's accounts: argon2id (libsodium's crypto_pwhash_str, interactive
// limits: 2 passes over 64 MiB), the salt and parameters kept in the encoded hash. At most four
// hashes run at once (the rest wait), so a burst of logins cannot take gigabytes. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace tilsyn::server {

// The shortest and longest password accepted for an account.
inline constexpr size_t kMinPasswordLength = 10;
inline constexpr size_t kMaxPasswordLength = 1024;

// InvalidArgument (field "password") when it is too short or too long.
Status CheckPasswordPolicy(std::string_view password);
// The encoded argon2id hash ("$argon2id$v=19$m=65536,t=2,p=1$…"); Unavailable when no hashing
// slot frees within seconds or the memory for it cannot be had.
Result<std::string> HashPassword(std::string_view password);
// Whether `password` matches `hash`. Also spends the time of a check when `hash` is empty (an
// unknown user), so the answer's delay does not tell which names exist. Unavailable when no
// hashing slot frees within seconds (a flood of logins waits no longer than that).
Result<bool> VerifyPassword(const std::string& hash, std::string_view password);

}  // namespace tilsyn::server
