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
  store::AuditEvent e;
  e.at = ctx.clock->NowMs();
  e.user = req.principal ? req.principal->subject : "";
  e.role = req.principal ? std::string(store::ToString(req.principal->role)) : "";
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.purpose = std::move(purpose);
  e.details = std::move(details);
  return e;
}

}  // namespace tilsyn::server
