#include "server/export_cli.h"

#include <cstdlib>
#include <iostream>

#include "core/file_util.h"
#include "core/time_format.h"
#include "server/config.h"
#include "server/findings_export.h"
#include "store/store.h"

namespace tilsyn::server {

int RunExportFindings(const ExportFindingsFlags& flags) {
  auto fail = [](const Status& st) {
    std::cerr << "tilsyn export findings: " << st.ToString() << "\n";
    return 2;
  };
  if (flags.format != "geojson" && flags.format != "csv") {
    return fail(Status::InvalidArgument("must be geojson or csv", "--format"));
  }
  FindingsFilter f;
  if (!flags.task_id.empty()) f.task_id = flags.task_id;
  f.outcome = flags.outcome;
  for (auto [text, slot, name] :
       {std::tuple{&flags.from, &f.from_ms, "--from"}, std::tuple{&flags.to, &f.to_ms, "--to"}}) {
    if (text->empty()) continue;
    Result<TimeMs> t = ParseIso8601(*text);
    if (!t.ok()) return fail(Status::InvalidArgument("must be an RFC 3339 time", name));
    *slot = *t;
  }
  if (Status st = ValidateFindingsFilter(f); !st.ok()) return fail(st);
  Result<ServerConfig> config =
      ResolveServerConfig(flags.server, [](const char* n) { return std::getenv(n); });
  if (!config.ok()) return fail(config.status());
  auto store = store::OpenSqliteStore(config->data_dir + "/tilsyn.db");
  if (!store.ok()) return fail(store.status());
  Result<FindingsExport> e = ExportFindings(**store, f);
  if (!e.ok()) return fail(e.status());
  const std::string body = flags.format == "geojson" ? e->geojson.dump(1) + "\n" : e->csv;
  Json details = {{"format", flags.format}, {"count", e->count}, {"outcome", f.outcome}};
  if (f.task_id) details["task_id"] = *f.task_id;
  auto audited = (*store)->AppendAudit(
      store::NewAuditEvent(SystemClock::Get()->NowMs(), "cli", "admin", "findings.export", "export",
                           "findings." + flags.format, "export of findings", details));
  if (!audited.ok()) return fail(audited.status());
  if (flags.out.empty()) {
    std::cout << body;
  } else {
    if (Status st = WriteFileAtomic(flags.out, body); !st.ok()) return fail(st);
    std::cerr << e->count << " assessments written to " << flags.out << "\n";
  }
  return 0;
}

}  // namespace tilsyn::server
