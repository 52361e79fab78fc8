#include "server/sessions.h"

#include <algorithm>
#include <cctype>

#include "core/crypto.h"
#include "net/ows.h"
#include "server/password.h"

namespace tilsyn::server {
namespace {

bool ChangesState(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

}  // namespace

Status CheckAccountName(const std::string& name) {
  if (name.empty() || name.size() > 100) {
    return Status::InvalidArgument("name must be 1..100 characters", "name");
  }
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '@' && c != '-') {
      return Status::InvalidArgument("name may hold only letters, digits and . _ @ -", "name");
    }
  }
  return Status::Ok();
}

std::optional<std::string> SessionCookieOf(const net::HttpRequest& req) {
  const std::string header = req.Header("cookie");
  const std::string key = std::string(kSessionCookie) + "=";
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string::npos) end = header.size();
    const std::string_view pair = net::TrimOws(std::string_view(header).substr(start, end - start));
    if (pair.substr(0, key.size()) == key) {
      std::string value(pair.substr(key.size()));
      if (!value.empty() && value.size() <= 128) return value;
    }
    start = end + 1;
  }
  return std::nullopt;
}

Result<Principal> AuthenticateSession(store::VehicleStore* store, const std::string& cookie,
                                      const net::HttpRequest& req, Clock* clock) {
  Result<store::SessionRecord> session = store->GetSession(Sha256Hex(cookie));
  if (!session.ok()) {
    if (session.status().code() == Code::kNotFound) {
      return Status::Unauthenticated("the session has ended; log in again");
    }
    return session.status();
  }
  if (session->expires_ms <= clock->NowMs()) {
    return Status::Unauthenticated("the session has expired; log in again");
  }
  Result<store::UserRecord> user = store->GetUser(session->user);
  if (!user.ok()) {
    if (user.status().code() == Code::kNotFound) {
      return Status::Unauthenticated("the session has ended; log in again");
    }
    return user.status();
  }
  if (user->disabled) return Status::Unauthenticated("the account is disabled");
  if (user->role == store::Role::kVehicle) {
    return Status::Unauthenticated("a vehicle has no web session");
  }
  if (ChangesState(req.method) && !ConstantTimeEquals(req.Header("x-csrf-token"), session->csrf)) {
    return Status::PermissionDenied(
               "missing or wrong X-CSRF-Token: a session's changes must carry its CSRF token")
        .WithField("X-CSRF-Token");
  }
  Principal p;
  p.role = user->role;
  p.subject = user->name;
  p.units = user->units;
  p.csrf = session->csrf;
  return p;
}

Result<LoginResult> Login(store::VehicleStore* store, const std::string& name,
                          const std::string& password, Clock* clock, bool* locked_now) {
  if (locked_now) *locked_now = false;
  const Status wrong = Status::Unauthenticated("wrong name or password");
  const TimeMs now = clock->NowMs();
  Result<store::UserRecord> user = store->GetUser(name);
  if (!user.ok() && user.status().code() != Code::kNotFound) return user.status();
  if (!user.ok() || user->disabled || user->role == store::Role::kVehicle) {
    TILSYN_RETURN_IF_ERROR(VerifyPassword("", password).status());  // the time a check takes
    return wrong;
  }
  // The attempt is counted before the (slow) check, so parallel guesses count as well and none
  // gets through once the account is locked.
  Result<std::optional<store::UserRecord>> reserved =
      store->NoteLoginAttempt(name, now, kMaxFailedLogins, now + kLockoutMs);
  if (!reserved.ok()) {
    return reserved.status().code() == Code::kNotFound ? wrong : reserved.status();
  }
  if (!reserved->has_value()) {
    Result<store::UserRecord> locked = store->GetUser(name);
    const TimeMs until = locked.ok() ? locked->locked_until_ms : now + kLockoutMs;
    const int64_t minutes = std::max<int64_t>(1, (until - now + 59'999) / 60'000);
    return Status::ResourceExhausted("too many failed logins: the account is locked for " +
                                     std::to_string(minutes) + " more minute(s)");
  }
  TILSYN_ASSIGN_OR_RETURN(bool match, VerifyPassword(user->password_hash, password));
  if (!match) {
    if (locked_now) *locked_now = (*reserved)->locked_until_ms > now;
    return wrong;
  }
  TILSYN_RETURN_IF_ERROR(store->NoteLoginSuccess(name));
  (void)store->DeleteExpiredSessions(now);
  LoginResult out;
  out.user = **reserved;
  out.user.failed_logins = 0;
  out.user.locked_until_ms = 0;
  out.cookie = RandomHex(32);
  out.csrf = RandomHex(32);
  out.expires_ms = now + kSessionLifetimeMs;
  store::SessionRecord s{Sha256Hex(out.cookie), name, out.csrf, now, out.expires_ms};
  TILSYN_RETURN_IF_ERROR(store->PutSession(s));
  return out;
}

std::string SessionSetCookie(const std::string& cookie, bool secure) {
  std::string v = std::string(kSessionCookie) + "=" + cookie +
                  "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  if (cookie.empty()) {
    v += "; Max-Age=0";
  } else {
    v += "; Max-Age=" + std::to_string(kSessionLifetimeMs / 1000);
  }
  return v;
}

}  // namespace tilsyn::server
