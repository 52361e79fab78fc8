#include "server/evidence_package.h"

#include <set>

#include "core/crypto.h"

namespace tilsyn::server {

constexpr char kManifest[] = "manifest.json";

Result<std::string> BuildEvidencePackage(const EvidenceManifest& m,
                                         const std::vector<ZipEntry>& files) {
  Json list = Json::array();
  for (const ZipEntry& f : files) {
    list.push_back({{"name", f.name}, {"bytes", f.data.size()}, {"sha256", Sha256Hex(f.data)}});
  }
  const Json manifest = {{"format", "tilsyn-evidence/1"}, {"assessment_id", m.assessment_id},
                         {"exported_by", m.exported_by},  {"exported_at", m.exported_at},
                         {"purpose", m.purpose},          {"files", list}};
  std::vector<ZipEntry> all = files;
  all.push_back({kManifest, manifest.dump(2) + "\n"});
  return WriteZip(all);
}

Result<Json> VerifyEvidencePackage(const std::string& zip) {
  TILSYN_ASSIGN_OR_RETURN(std::vector<ZipEntry> entries, ReadZip(zip));
  const ZipEntry* manifest_entry = nullptr;
  for (const ZipEntry& e : entries) {
    if (e.name == kManifest) manifest_entry = &e;
  }
  if (manifest_entry == nullptr) return Status::InvalidArgument("no manifest.json", "manifest");
  Result<Json> manifest = ParseJson(manifest_entry->data);
  if (!manifest.ok() || !manifest->is_object() || !(*manifest)["files"].is_array()) {
    return Status::InvalidArgument("manifest.json is not a package manifest", "manifest");
  }
  std::set<std::string> listed;
  for (const Json& f : (*manifest)["files"]) {
    if (!f.is_object() || !f["name"].is_string() || !f["sha256"].is_string()) {
      return Status::InvalidArgument("a file entry without name or sha256", "manifest");
    }
    const std::string name = f["name"];
    listed.insert(name);
    const ZipEntry* e = nullptr;
    for (const ZipEntry& x : entries) {
      if (x.name == name) e = &x;
    }
    if (e == nullptr) return Status::InvalidArgument("listed but missing", name);
    if (Sha256Hex(e->data) != f["sha256"].get<std::string>()) {
      return Status::InvalidArgument("SHA-256 differs from the manifest", name);
    }
  }
  for (const ZipEntry& e : entries) {
    if (e.name != kManifest && !listed.count(e.name)) {
      return Status::InvalidArgument("not listed in the manifest", e.name);
    }
  }
  return *manifest;
}

}  // namespace tilsyn::server
