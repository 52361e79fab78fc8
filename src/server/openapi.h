// The OpenAPI 3.0.3 document of the HTTP API, generated from the router's route table so the two
// cannot drift apart: every route becomes a path item with its method, roles (x-roles), bearer
// security, parameters and request/response schemas (components by name). Pure function.
#pragma once

#include <vector>

#include "core/json_util.h"
#include "server/router.h"

namespace tilsyn::server {

Json BuildOpenApi(const std::vector<RouteSpec>& routes);

// Names of the component schemas the document defines.
std::vector<std::string> OpenApiSchemaNames();

}  // namespace tilsyn::server
