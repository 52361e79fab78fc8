// Bearer-token authentication: `Authorization: Bearer <token>` → SHA-256 → the stored token
// record. Only hashes are stored; the token itself is shown once when issued (IssueToken in
// app.h). Thread-safe (the store is).
#pragma once

#include "server/router.h"
#include "store/store.h"

namespace tilsyn::server {

// Unauthenticated when the header is missing or malformed or the token is unknown; Unavailable
// (or another store error) when the store cannot answer.
Result<Principal> AuthenticateBearer(store::VehicleStore* store, const net::HttpRequest& req);

// A Router::Authenticator backed by `store` (which must outlive it).
// With `vehicle_certs`, a vehicle's token is refused (Unauthenticated) unless the request came
// with that vehicle's verified client certificate (mTLS; net::HttpRequest::client_cert_subject).
Router::Authenticator MakeBearerAuthenticator(store::VehicleStore* store,
                                              bool vehicle_certs = false);

}  // namespace tilsyn::server
