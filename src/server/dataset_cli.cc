#include "server/dataset_cli.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "server/config.h"
#include "server/dataset_export.h"
#include "server/image_keys.h"
#include "store/encrypted_blob_store.h"
#include "store/store.h"

namespace tilsyn::server {

int RunDatasetExport(const DatasetExportFlags& flags) {
  auto fail = [](const Status& st) {
    std::cerr << "tilsyn dataset export: " << st.ToString() << "\n";
    return 2;
  };
  // Refusals that need no store come before the audit entry, so the trail records exports only.
  if (std::error_code ec; flags.out.empty() || std::filesystem::exists(flags.out, ec)) {
    return fail(Status::InvalidArgument(
        flags.out.empty() ? "name the folder to create" : flags.out + " exists; name a new folder",
        "--out"));
  }
  Result<ServerConfig> config =
      ResolveServerConfig(flags.server, [](const char* n) { return std::getenv(n); });
  if (!config.ok()) return fail(config.status());
  Result<store::ImageKeyring> ring = ResolveImageKeyring(*config);
  if (!ring.ok()) return fail(ring.status());
  auto store = store::OpenStore(config->StoreLocation());
  if (!store.ok()) return fail(store.status());
  auto files = store::OpenBlobStore(config->ImageLocation());
  if (!files.ok()) return fail(files.status());
  std::unique_ptr<store::BlobStore> blobs =
      store::NewEncryptedBlobStore(std::move(*files), std::move(*ring));
  const char* user = std::getenv("USER");
  DatasetExportOptions o;
  o.out = flags.out;
  o.labels = flags.labels;
  o.exported_by = user && *user ? user : "cli";
  o.now = SystemClock::Get()->NowMs();
  // Audit first: no record, no images out.
  auto audited = (*store)->AppendAudit(
      store::NewAuditEvent(o.now, o.exported_by, "admin", "dataset.export", "dataset", flags.out,
                           "training data for the city's own detectors",
                           {{"labels", flags.labels}, {"out", flags.out}}));
  if (!audited.ok()) return fail(audited.status());
  Result<DatasetExportSummary> sum = ExportDataset(**store, *blobs, o);
  if (!sum.ok()) return fail(sum.status());
  if (flags.json) {
    std::cout << sum->ToJson().dump() << "\n";
  } else {
    std::cout << "exported " << sum->images << " images (" << sum->train << " train, " << sum->val
              << " val; " << sum->negatives << " negative) with " << sum->boxes << " boxes of "
              << sum->classes.size() << " label(s) to " << flags.out << "; " << sum->skipped.size()
              << " skipped (see provenance.json)\n";
  }
  return 0;
}

}  // namespace tilsyn::server
