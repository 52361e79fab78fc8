#include "server/models_cli.h"

#include <cstdlib>
#include <iostream>

#include "core/file_util.h"
#include "server/config.h"
#include "store/store.h"

namespace tilsyn::server {

int RunModelsInstall(ModelsInstallFlags flags) {
  auto fail = [](const Status& st) {
    std::cerr << "tilsyn models install: " << st.ToString() << "\n";
    return 2;
  };
  Result<ServerConfig> config =
      ResolveServerConfig(flags.server, [](const char* n) { return std::getenv(n); });
  if (!config.ok()) return fail(config.status());
  flags.gate.data_dir = config->data_dir;
  Result<eval::GateReport> rep = eval::EvaluateCandidate(flags.gate);
  if (!rep.ok()) return fail(rep.status());
  if (flags.json)
    std::cout << rep->ToJson().dump(1) << "\n";
  else
    std::cout << rep->ToText();
  if (flags.dry_run) return rep->passed ? 0 : 1;

  if (Status st = MakeDirs(config->data_dir); !st.ok()) return fail(st);
  auto store = store::OpenStore(config->StoreLocation());
  if (!store.ok()) return fail(store.status());
  const char* user = std::getenv("USER");
  auto audit = [&](const std::string& action) {
    return (*store)
        ->AppendAudit(store::NewAuditEvent(SystemClock::Get()->NowMs(),
                                           user && *user ? user : "cli", "admin", action, "model",
                                           flags.gate.model, "evaluation gate", rep->ToJson()))
        .status();
  };
  if (!rep->passed) {
    if (Status st = audit("model.refused"); !st.ok()) return fail(st);
    return 1;
  }
  if (Status st = eval::InstallPack(flags.gate.candidate, config->data_dir); !st.ok())
    return fail(st);
  if (Status st = audit("model.install"); !st.ok()) return fail(st);
  if (!flags.json) {
    std::cout << "installed into " << config->data_dir
              << "/models (the previous pack kept as models.previous); restart `tilsyn serve` "
                 "to offer its labels\n";
  }
  return 0;
}

}  // namespace tilsyn::server
