// Web sessions of people's accounts: a login (name + password, argon2id) gives an opaque random
// cookie (HttpOnly, SameSite=Strict, Secure over TLS) kept in the store only as its SHA-256, and
// a CSRF token the web UI echoes in `X-CSRF-Token` on every request that changes something.
// Consecutive failed logins lock the account for a while. Thread-safe (the store is).
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "net/http.h"
#include "server/router.h"
#include "store/store.h"

namespace tilsyn::server {

inline constexpr const char* kSessionCookie = "tilsyn_session";
inline constexpr int64_t kSessionLifetimeMs = 12LL * 3'600'000;  // a working day
inline constexpr int64_t kMaxFailedLogins = 5;                   // then locked …
inline constexpr int64_t kLockoutMs = 15LL * 60'000;             // … for 15 minutes

// InvalidArgument (field "name") unless a login name is 1..100 letters, digits and . _ @ -
// (no spaces or slashes: it is a path segment of /api/v1/users/{name}).
Status CheckAccountName(const std::string& name);

// The session cookie's value, if the request carries one.
std::optional<std::string> SessionCookieOf(const net::HttpRequest& req);

// Unauthenticated for an unknown or expired session or a disabled account; PermissionDenied
// (field "X-CSRF-Token") for a method other than GET/HEAD without the session's CSRF token.
Result<Principal> AuthenticateSession(store::VehicleStore* store, const std::string& cookie,
                                      const net::HttpRequest& req, Clock* clock);

struct LoginResult {
  store::UserRecord user;
  std::string cookie;  // the session cookie's value (shown once)
  std::string csrf;
  TimeMs expires_ms = 0;
};

// Checks the password and opens a session. Unauthenticated "wrong name or password" for an
// unknown name, a wrong password or a disabled account (the same answer, and about the same
// time, for each); ResourceExhausted with the minutes left while the account is locked (also
// for the right password); Unavailable when too many logins run at once. Each attempt is
// counted before the check (parallel guesses too); the fifth failure in a row locks the
// account. `locked_now` is set when this attempt locked it.
Result<LoginResult> Login(store::VehicleStore* store, const std::string& name,
                          const std::string& password, Clock* clock, bool* locked_now = nullptr);

// The Set-Cookie value that stores `cookie` (or, with an empty one, deletes it).
std::string SessionSetCookie(const std::string& cookie, bool secure);

}  // namespace tilsyn::server
