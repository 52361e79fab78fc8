#include "server/auth.h"

#include <cctype>

#include "core/clock.h"
#include "core/crypto.h"
#include "server/app.h"
#include "server/sessions.h"

namespace tilsyn::server {

Result<Principal> AuthenticateBearer(store::VehicleStore* store, const net::HttpRequest& req,
                                     Clock* clock) {
  std::string header = req.Header("authorization");
  if (header.empty()) return Status::Unauthenticated("missing Authorization: Bearer token");
  const std::string kScheme = "bearer ";
  if (header.size() <= kScheme.size()) {
    return Status::Unauthenticated("malformed Authorization header");
  }
  std::string scheme = header.substr(0, kScheme.size());
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != kScheme) return Status::Unauthenticated("Authorization must use Bearer");
  std::string token = header.substr(kScheme.size());
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.pop_back();
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.erase(0, 1);
  if (token.empty() || token.size() > 512) return Status::Unauthenticated("malformed token");
  Result<store::TokenRecord> rec = store->GetTokenByHash(Sha256Hex(token));
  if (!rec.ok()) {
    if (rec.status().code() == Code::kNotFound) return Status::Unauthenticated("unknown token");
    return rec.status();
  }
  if (rec->revoked_ms != 0) return Status::Unauthenticated("the token was revoked");
  const TimeMs now = (clock ? clock : SystemClock::Get())->NowMs();
  if (rec->expires_ms != 0 && rec->expires_ms <= now) {
    return Status::Unauthenticated("the token has expired");
  }
  Principal p;
  p.role = rec->role;
  p.subject = rec->subject;
  // A person's token answers to their account where there is one: not while it is disabled,
  // and only for the units it works for.
  if (rec->role != store::Role::kVehicle) {
    Result<store::UserRecord> user = store->GetUser(rec->subject);
    if (user.ok()) {
      if (user->disabled) return Status::Unauthenticated("the account is disabled");
      p.units = user->units;
    } else if (user.status().code() != Code::kNotFound) {
      return user.status();
    }
  }
  return p;
}

std::string TokenId(const std::string& token_hash) { return token_hash.substr(0, 12); }

Router::Authenticator MakeBearerAuthenticator(store::VehicleStore* store, bool vehicle_certs,
                                              Clock* clock) {
  return [store, vehicle_certs, clock](const net::HttpRequest& req) -> Result<Principal> {
    if (req.Header("authorization").empty()) {
      if (std::optional<std::string> cookie = SessionCookieOf(req)) {
        return AuthenticateSession(store, *cookie, req, clock ? clock : SystemClock::Get());
      }
    }
    TILSYN_ASSIGN_OR_RETURN(Principal p, AuthenticateBearer(store, req, clock));
    if (vehicle_certs && p.role == store::Role::kVehicle && req.client_cert_subject != p.subject) {
      return Status::Unauthenticated(
          req.client_cert_subject.empty()
              ? "a vehicle token needs the vehicle's client certificate (mTLS)"
              : "the client certificate belongs to another vehicle");
    }
    return p;
  };
}

Result<std::string> IssueToken(store::VehicleStore* store, const std::string& role,
                               const std::string& subject, Clock* clock, int64_t lifetime_ms) {
  auto r = store::ParseRole(role);
  if (!r) return Status::InvalidArgument("role must be admin, inspector, dpo or vehicle", "role");
  if (subject.empty() || subject.size() > 200) {
    return Status::InvalidArgument("subject must be 1..200 characters", "subject");
  }
  std::string token = RandomHex(32);
  store::TokenRecord rec;
  rec.token_hash = Sha256Hex(token);
  rec.role = *r;
  rec.subject = subject;
  rec.created_ms = clock->NowMs();
  if (lifetime_ms > 0) rec.expires_ms = rec.created_ms + lifetime_ms;
  TILSYN_RETURN_IF_ERROR(store->PutToken(rec));
  return token;
}

}  // namespace tilsyn::server
