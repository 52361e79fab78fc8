// Building audit events (store/privacy_records.h) from an API request: who (the token's subject
// and role), when (ctx.clock), what and why. Internal to the server module; stateless.
#pragma once

#include <string>

#include "server/api/api.h"
#include "store/privacy_records.h"

namespace tilsyn::server {

inline store::AuditEvent RequestAudit(const ApiContext& ctx, const ApiRequest& req,
                                      std::string action, std::string object_type,
                                      std::string object_id, std::string purpose = "",
                                      Json details = Json::object()) {
  return store::NewAuditEvent(ctx.clock->NowMs(), req.principal ? req.principal->subject : "",
                              req.principal ? std::string(store::ToString(req.principal->role)) : "",
                              std::move(action), std::move(object_type), std::move(object_id),
                              std::move(purpose), std::move(details));
}

}  // namespace tilsyn::server
