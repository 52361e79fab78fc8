#include "server/migrate_cli.h"

#include <cstdlib>
#include <iostream>

#include "store/audit_chain.h"
#include "store/copy_store.h"
#include "store/store.h"

namespace tilsyn::server {

int RunMigrate(const MigrateFlags& flags) {
  auto fail = [](const Status& st) {
    std::cerr << "tilsyn migrate: " << st.ToString() << "\n";
    return st.code() == Code::kInvalidArgument ? 2 : 1;
  };
  if (!store::IsPostgresUrl(flags.to)) {
    return fail(Status::InvalidArgument("must be a postgresql:// URL", "to"));
  }
  Result<ServerConfig> config =
      ResolveServerConfig(flags.server, [](const char* n) { return std::getenv(n); });
  if (!config.ok()) return fail(config.status());
  if (!config->database.empty()) {
    return fail(Status::InvalidArgument(
        "the source is the SQLite install of --data-dir; --database/TILSYN_DATABASE_URL is set",
        "database"));
  }
  std::cout << "copying " << config->StoreLocation() << " and " << config->ImageLocation()
            << " into PostgreSQL (one transaction)\n";
  auto report = store::CopySqliteToPostgres(
      config->StoreLocation(), config->ImageLocation(), flags.to,
      [](const std::string& line) { std::cout << "  " << line << std::endl; });
  if (!report.ok()) return fail(report.status());
  int64_t rows = 0;
  for (const auto& [table, n] : report->tables) rows += n;
  std::cout << "copied " << rows << " rows in " << report->tables.size() << " tables and "
            << report->images << " images (" << report->image_bytes << " bytes)\n";

  auto copy = store::OpenPostgresStore(flags.to, 1);
  if (!copy.ok()) return fail(copy.status());
  auto events = (*copy)->ListAudit({});
  if (!events.ok()) return fail(events.status());
  store::AuditVerification v = store::VerifyAuditChain(*events);
  if (!v.ok) {
    std::cout << "audit trail of the copy BROKEN at seq " << v.first_bad_seq << ": " << v.reason
              << "\n";
    return 1;
  }
  std::cout << "audit trail of the copy ok: " << v.checked << " entries, head " << v.head_hash
            << "\nServe it with: tilsyn serve --database '<the URL>' (the same image keys)\n";
  return 0;
}

}  // namespace tilsyn::server
