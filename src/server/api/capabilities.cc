// GET /api/v1/capabilities: the labels the configured recognition services recognise, with the
// services that declare them and the task data classes that may use them. The web UI's editor
// offers only these labels; the task endpoints refuse others (tasks.cc).
#include "server/api/api.h"
#include "server/api/api_util.h"

namespace tilsyn::server {

void RegisterCapabilityRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/capabilities",
              {store::Role::kAdmin, store::Role::kInspector, store::Role::kDpo},
              "Labels the configured recognition services recognise, with their services",
              "tasks",
              {},
              "",
              "",
              "Capabilities",
              200},
             [ctx](const ApiRequest&) -> Result<net::HttpResponse> {
               if (!ctx.capabilities) return Ok(Json{{"labels", Json::array()}});
               return Ok(recognition::CapabilitiesToJson(*ctx.capabilities));
             });
}

}  // namespace tilsyn::server
