#include "server/export_cli.h"

#include <cstdlib>
#include <functional>
#include <iostream>
#include <tuple>

#include "core/file_util.h"
#include "core/time_format.h"
#include "server/config.h"
#include "server/counts_export.h"
#include "server/evidence_package.h"
#include "server/findings_export.h"
#include "store/store.h"

namespace tilsyn::server {

namespace {

// The body both exports share: flags → filter, the store, the export `what`, the audit, the
// output. `make` returns {geojson, csv, count}.
int RunExport(const ExportFindingsFlags& flags, const std::string& what,
              const std::function<Result<std::tuple<Json, std::string, int>>(
                  store::Store&, const FindingsFilter&)>& make) {
  auto fail = [&](const Status& st) {
    std::cerr << "tilsyn export " << what << ": " << st.ToString() << "\n";
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
  auto store = store::OpenStore(config->StoreLocation());
  if (!store.ok()) return fail(store.status());
  auto e = make(**store, f);
  if (!e.ok()) return fail(e.status());
  const auto& [geojson, csv, count] = *e;
  const std::string body = flags.format == "geojson" ? geojson.dump(1) + "\n" : csv;
  Json details = {{"format", flags.format}, {"count", count}};
  if (what == "findings") details["outcome"] = f.outcome;
  if (f.task_id) details["task_id"] = *f.task_id;
  auto audited = (*store)->AppendAudit(
      store::NewAuditEvent(SystemClock::Get()->NowMs(), "cli", "admin", what + ".export", "export",
                           what + "." + flags.format, "export of " + what, details));
  if (!audited.ok()) return fail(audited.status());
  if (flags.out.empty()) {
    std::cout << body;
  } else {
    if (Status st = WriteFileAtomic(flags.out, body); !st.ok()) return fail(st);
    std::cerr << count << " rows written to " << flags.out << "\n";
  }
  return 0;
}

}  // namespace

int RunExportFindings(const ExportFindingsFlags& flags) {
  return RunExport(
      flags, "findings",
      [](store::Store& s, const FindingsFilter& f) -> Result<std::tuple<Json, std::string, int>> {
        TILSYN_ASSIGN_OR_RETURN(FindingsExport e, ExportFindings(s, f));
        return std::tuple{e.geojson, e.csv, e.count};
      });
}

int RunExportCounts(const ExportFindingsFlags& flags) {
  return RunExport(
      flags, "counts",
      [](store::Store& s, const FindingsFilter& f) -> Result<std::tuple<Json, std::string, int>> {
        TILSYN_ASSIGN_OR_RETURN(CountsExport e, ExportCounts(s, f));
        return std::tuple{e.geojson, e.csv, e.count};
      });
}

int RunVerifyEvidence(const std::string& path, std::ostream& out, std::ostream& err) {
  Result<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) {
    err << "tilsyn evidence verify: cannot read " << path << "\n";
    return 2;
  }
  Result<Json> m = VerifyEvidencePackage(*bytes);
  if (!m.ok()) {
    err << "tilsyn evidence verify: NOT intact: " << m.status().ToString() << "\n";
    return 1;
  }
  out << "intact: " << (*m)["files"].size() << " files match the manifest\n"
      << "assessment " << (*m).value("assessment_id", "") << ", exported by "
      << (*m).value("exported_by", "") << " at " << (*m).value("exported_at", "")
      << ", purpose: " << (*m).value("purpose", "") << "\n";
  return 0;
}

}  // namespace tilsyn::server
