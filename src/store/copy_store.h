// Moving a single-machine install (SQLite file + image folder) onto PostgreSQL: every table row
// by row with its values as stored (ids, times, hashes, the audit chain), then every image file
// as it is (still encrypted), all in one PostgreSQL transaction — either the whole install is
// there or none of it. The target must be empty (migrated or new); the source is migrated to
// the current schema first. Tables this binary does not know stop the copy (nothing is left
// behind silently). Used by `tilsyn migrate --to`.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace tilsyn::store {

struct CopyReport {
  std::vector<std::pair<std::string, int64_t>> tables;  // table -> rows copied, in copy order
  int64_t images = 0;                                   // image files copied
  int64_t image_bytes = 0;
};

// `images_dir` may be "" or missing (no images). `progress` gets one line per table and one for
// the images. FailedPrecondition (field "to") when the target already holds data.
Result<CopyReport> CopySqliteToPostgres(const std::string& sqlite_path,
                                        const std::string& images_dir, const std::string& pg_url,
                                        const std::function<void(const std::string&)>& progress);

}  // namespace tilsyn::store
