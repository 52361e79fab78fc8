#include "server/privacy_cli.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "core/clock.h"
#include "core/file_util.h"
#include "server/image_keys.h"
#include "store/audit_chain.h"
#include "store/encrypted_blob_store.h"
#include "store/store.h"

namespace tilsyn::server {
namespace {

constexpr double kDayMs = 86'400'000.0;

int Fail(const Status& st) {
  std::cerr << "tilsyn: " << st.ToString() << "\n";
  return 2;
}

Result<ServerConfig> Config(const ServeFlags& flags) {
  return ResolveServerConfig(flags, [](const char* n) { return std::getenv(n); });
}

Result<std::unique_ptr<store::Store>> OpenStore(const ServerConfig& config) {
  TILSYN_RETURN_IF_ERROR(MakeDirs(config.data_dir));
  return store::OpenStore(config.StoreLocation());
}

std::string Counts(const std::map<std::string, int64_t>& m) {
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ", ") + k + "=" + std::to_string(v);
  return out.empty() ? "-" : out;
}

}  // namespace

Json ProcessingRecordToJson(const std::vector<store::PurposeRecord>& record) {
  Json purposes = Json::array();
  for (const auto& p : record) {
    purposes.push_back(
        {{"purpose", p.purpose},
         {"tasks", p.tasks},
         {"observations", p.observations},
         {"anonymized", {{"vehicle", p.anonymized_vehicle}, {"server", p.anonymized_server}}},
         {"images", {{"kept", p.images_kept}, {"deleted", p.images_deleted}}},
         {"retention",
          {{"mean_days", p.retention_mean_ms / kDayMs},
           {"max_days", static_cast<double>(p.retention_max_ms) / kDayMs}}},
         {"services", p.services},
         {"refusals", p.refusals}});
  }
  return Json{{"purposes", purposes}};
}

int RunAuditVerify(const ServeFlags& flags, bool json) {
  Result<ServerConfig> config = Config(flags);
  if (!config.ok()) return Fail(config.status());
  Result<std::unique_ptr<store::Store>> st = OpenStore(*config);
  if (!st.ok()) return Fail(st.status());
  Result<std::vector<store::AuditEvent>> events = (*st)->ListAudit({});
  if (!events.ok()) return Fail(events.status());
  store::AuditVerification v = store::VerifyAuditChain(*events);
  if (json) {
    std::cout << store::AuditVerificationToJson(v).dump() << std::endl;
  } else if (v.ok) {
    std::cout << "audit trail ok: " << v.checked << " entries, head " << v.head_hash << std::endl;
  } else {
    std::cout << "audit trail BROKEN at seq " << v.first_bad_seq << ": " << v.reason << " ("
              << v.checked << " entries before it verify)" << std::endl;
  }
  return v.ok ? 0 : 1;
}

int RunProcessingRecord(const ServeFlags& flags, bool json) {
  Result<ServerConfig> config = Config(flags);
  if (!config.ok()) return Fail(config.status());
  Result<std::unique_ptr<store::Store>> st = OpenStore(*config);
  if (!st.ok()) return Fail(st.status());
  Result<std::vector<store::PurposeRecord>> rec = (*st)->ProcessingRecord();
  if (!rec.ok()) return Fail(rec.status());
  if (json) {
    std::cout << ProcessingRecordToJson(*rec).dump(2) << std::endl;
    return 0;
  }
  std::cout << "Processing record (per purpose = task kind)\n";
  for (const auto& p : *rec) {
    char retention[96];
    std::snprintf(retention, sizeof retention, "mean %.2f d, max %.2f d",
                  p.retention_mean_ms / kDayMs, static_cast<double>(p.retention_max_ms) / kDayMs);
    std::cout << "\n"
              << p.purpose << "\n"
              << "  tasks                 " << p.tasks << "\n"
              << "  observations          " << p.observations << "\n"
              << "  anonymized (vehicle)  " << Counts(p.anonymized_vehicle) << "\n"
              << "  anonymized (server)   " << Counts(p.anonymized_server) << "\n"
              << "  images kept / deleted " << p.images_kept << " / " << p.images_deleted << "\n"
              << "  retention             " << retention << "\n"
              << "  services that saw images " << Counts(p.services) << "\n"
              << "  captures refused      " << Counts(p.refusals) << "\n";
  }
  if (rec->empty()) std::cout << "(nothing processed yet)\n";
  return 0;
}

int RunAdminRotateKey(const ServeFlags& flags) {
  Result<ServerConfig> config = Config(flags);
  if (!config.ok()) return Fail(config.status());
  Result<store::ImageKeyring> ring = ResolveImageKeyring(*config);
  if (!ring.ok()) return Fail(ring.status());
  Result<std::unique_ptr<store::Store>> st = OpenStore(*config);
  if (!st.ok()) return Fail(st.status());
  Result<std::unique_ptr<store::BlobStore>> raw = store::OpenBlobStore(config->ImageLocation());
  if (!raw.ok()) return Fail(raw.status());
  Result<store::RotationReport> rep = store::RotateImageKeys(**raw, *ring);
  if (!rep.ok()) return Fail(rep.status());
  const char* user = std::getenv("USER");
  const store::AuditEvent e =
      store::NewAuditEvent(SystemClock::Get()->NowMs(), user && *user ? user : "admin-cli", "admin",
                           "key.rotate", "key", ring->current_id(), "key rotation",
                           {{"rewritten", rep->rewritten},
                            {"encrypted", rep->encrypted},
                            {"unchanged", rep->unchanged},
                            {"failed", rep->failed}});
  Result<store::AuditEvent> audited = (*st)->AppendAudit(e);
  if (!audited.ok()) std::cerr << "tilsyn: not audited: " << audited.status().ToString() << "\n";
  std::cout << "rotated to key '" << ring->current_id() << "': " << rep->rewritten
            << " re-encrypted, " << rep->encrypted << " encrypted for the first time, "
            << rep->unchanged << " already current, " << rep->failed << " failed" << std::endl;
  for (const auto& err : rep->errors) std::cerr << "  " << err << "\n";
  return rep->failed == 0 ? 0 : 1;
}

}  // namespace tilsyn::server
