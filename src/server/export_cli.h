// `tilsyn export findings [--format geojson|csv] [--task ID] [--outcome O|all] [--from T]
// [--to T] [--out FILE] [--data-dir DIR]`: the findings export of the API
// (server/findings_export.h) from the data directory, to a file or stdout; audited as
// findings.export by "cli". Exit 0 on success, 2 on bad flags or store errors.
#pragma once

#include <ostream>
#include <string>

#include "server/cli.h"

namespace tilsyn::server {

struct ExportFindingsFlags {
  ServeFlags server;
  std::string format = "geojson";
  std::string task_id, outcome = "finding", from, to, out;
};

int RunExportFindings(const ExportFindingsFlags& flags);

// `tilsyn export counts [--format geojson|csv] [--task ID] [--from T] [--to T] [--out FILE]`:
// the count series (server/counts_export.h); audited as counts.export.
int RunExportCounts(const ExportFindingsFlags& flags);

// `tilsyn evidence verify FILE`: checks an evidence package (GET
// /api/v1/assessments/{id}/evidence.zip) against its manifest — every file present, none extra,
// each SHA-256 equal. Prints who exported it, when and why; exit 0 when intact, 1 when not
// (naming the file), 2 when FILE cannot be read.
int RunVerifyEvidence(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace tilsyn::server
