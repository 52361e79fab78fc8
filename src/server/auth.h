// Authentication: `Authorization: Bearer <token>` → SHA-256 → the stored token record (only
// hashes are stored; the token itself is shown once when issued, IssueToken in app.h; it may
// expire and be revoked), or a person's web session cookie. Thread-safe (the store is).
#pragma once

#include "core/clock.h"
#include "server/router.h"
#include "store/store.h"

namespace tilsyn::server {

// Unauthenticated when the header is missing or malformed or the token is unknown, expired or
// revoked; Unavailable (or another store error) when the store cannot answer. `clock` = nullptr:
// the system clock.
Result<Principal> AuthenticateBearer(store::VehicleStore* store, const net::HttpRequest& req,
                                     Clock* clock = nullptr);

// A Router::Authenticator backed by `store` (which must outlive it): a bearer token when the
// request has an Authorization header, else a web session cookie (server/sessions.h).
// With `vehicle_certs`, a vehicle's token is refused (Unauthenticated) unless the request came
// with that vehicle's verified client certificate (mTLS; net::HttpRequest::client_cert_subject).
Router::Authenticator MakeBearerAuthenticator(store::VehicleStore* store,
                                              bool vehicle_certs = false, Clock* clock = nullptr);

// The short public id of a token: the first 12 hex digits of its hash (lists, revocation).
std::string TokenId(const std::string& token_hash);

}  // namespace tilsyn::server
