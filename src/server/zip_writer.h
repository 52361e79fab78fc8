// Zip archives in memory through libzip (Debian libzip-dev): the evidence package of a finding
// is one (server/evidence_package.h).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace tilsyn::server {

struct ZipEntry {
  std::string name;  // a relative path, '/' separated
  std::string data;
};

// Deflated entries in the given order; Internal on a libzip failure.
Result<std::string> WriteZip(const std::vector<ZipEntry>& entries);

// Every entry of an archive, in its order; InvalidArgument naming `zip` for bytes that are not
// one (or a damaged entry).
Result<std::vector<ZipEntry>> ReadZip(const std::string& bytes);

}  // namespace tilsyn::server
