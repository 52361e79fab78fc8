#include "server/permit_cli.h"

#include <cstdlib>
#include <iostream>

#include "core/clock.h"
#include "core/file_util.h"
#include "server/config.h"
#include "server/privacy_cli.h"
#include "store/store.h"
#include "tasks/permit_import.h"

namespace tilsyn::server {

int RunImportPermits(const ImportPermitsFlags& flags) {
  auto fail = [](const Status& st) {
    std::cerr << "tilsyn import permits: " << st.ToString() << "\n";
    return 2;
  };
  Result<tasks::PermitColumns> columns = tasks::ParsePermitColumns(flags.columns);
  if (!columns.ok()) return fail(columns.status());
  Result<ServerConfig> config =
      ResolveServerConfig(flags.server, [](const char* n) { return std::getenv(n); });
  if (!config.ok()) return fail(config.status());
  if (Status st = MakeDirs(config->data_dir); !st.ok()) return fail(st);
  auto store = store::OpenStore(config->StoreLocation());
  if (!store.ok()) return fail(store.status());

  Json summary = {{"files", Json::array()}, {"created", 0}, {"replaced", 0}, {"bad", 0}};
  for (const std::string& file : flags.files) {
    Result<std::string> text = ReadFile(file);
    if (!text.ok()) return fail(text.status());
    Result<tasks::PermitRecords> records = tasks::ParsePermits(*text, file, *columns);
    if (!records.ok()) return fail(records.status());
    const TimeMs now = SystemClock::Get()->NowMs();
    int created = 0, replaced = 0;
    const store::AuditEvent e =
        store::NewAuditEvent(now, "cli", "admin", "permit.import", "permit", file, "",
                             {{"permits", records->permits.size()}, {"bad", records->bad.size()}});
    Status st = (*store)->WithAudit(e, [&](store::Store& s) -> Status {
      for (tasks::Permit& p : records->permits) {
        p.updated_ms = now;
        TILSYN_ASSIGN_OR_RETURN(bool is_new, s.permits().PutPermit(p));
        (is_new ? created : replaced) += 1;
      }
      return Status::Ok();
    });
    if (!st.ok()) return fail(st);
    summary["files"].push_back(
        {{"file", file}, {"created", created}, {"replaced", replaced}, {"bad", records->bad}});
    summary["created"] = summary["created"].get<int>() + created;
    summary["replaced"] = summary["replaced"].get<int>() + replaced;
    summary["bad"] = summary["bad"].get<int>() + static_cast<int>(records->bad.size());
    if (!flags.json) {
      std::cout << file << ": " << created << " new, " << replaced << " replaced, "
                << records->bad.size() << " skipped\n";
      for (const std::string& b : records->bad) std::cout << "  skipped " << b << "\n";
    }
  }
  if (flags.json) std::cout << summary.dump(2) << "\n";
  return 0;
}

}  // namespace tilsyn::server
