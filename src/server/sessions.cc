#include "server/sessions.h"

#include <algorithm>

#include "core/crypto.h"
#include "server/password.h"

namespace tilsyn::server {
namespace {

bool ChangesState(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

}  // namespace

std::optional<std::string> SessionCookieOf(const net::HttpRequest& req) {
  const std::string header = req.Header("cookie");
  const std::string key = std::string(kSessionCookie) + "=";
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string::npos) end = header.size();
    std::string pair = Trim(header.substr(start, end - start));
    if (pair.rfind(key, 0) == 0) {
      std::string value = pair.substr(key.size());
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
  if (!user.ok()) {
    (void)VerifyPassword("", password);  // the time a real check takes
    return wrong;
  }
  if (user->locked_until_ms > now) {
    const int64_t minutes = (user->locked_until_ms - now + 59'999) / 60'000;
    return Status::ResourceExhausted("too many failed logins: the account is locked for " +
                                     std::to_string(minutes) + " more minute(s)");
  }
  if (!VerifyPassword(user->password_hash, password) || user->disabled) {
    if (!user->disabled) {
      TILSYN_ASSIGN_OR_RETURN(store::UserRecord after,
                              store->NoteLoginFailure(name, kMaxFailedLogins, now + kLockoutMs));
      if (locked_now) *locked_now = after.locked_until_ms > now;
    }
    return wrong;
  }
  if (user->failed_logins > 0) TILSYN_RETURN_IF_ERROR(store->NoteLoginSuccess(name));
  (void)store->DeleteExpiredSessions(now);
  LoginResult out;
  out.user = *user;
  out.user.failed_logins = 0;
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
