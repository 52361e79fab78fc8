// The evidence package of one finding: a zip an inspector can hand to a case worker or a court.
// It holds the kept (anonymized) image, the assessment with its case, the observation's metadata
// and anonymization report, the recognition runs, the audit events of the image and of the
// assessment, and `manifest.json`: who exported it, when, why, and the SHA-256 of every file.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "server/zip_writer.h"

namespace tilsyn::server {

struct EvidenceManifest {
  std::string assessment_id;
  std::string exported_by;
  std::string exported_at;  // RFC 3339
  std::string purpose;
};

// `files` in the order they go into the archive; manifest.json is added last. Internal on a
// zip failure.
Result<std::string> BuildEvidencePackage(const EvidenceManifest& m,
                                         const std::vector<ZipEntry>& files);

// Reads a package back and checks every file against the manifest's SHA-256 (and that no file
// is missing or extra): the manifest on success, InvalidArgument naming the file otherwise.
Result<Json> VerifyEvidencePackage(const std::string& zip);

}  // namespace tilsyn::server
