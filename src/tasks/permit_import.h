// Reading permits from the files a city's permit system exports (`tilsyn import permits`):
//   CSV with a header; columns id, holder, kind, lat, lon, radius_m, valid_from, valid_to by
//     default, renamed with a mapping "id=Tilladelse,lat=Breddegrad,…" (names or 1-based
//     indexes). kind defaults to "container", radius_m to 10.
//   GeoJSON FeatureCollection: Point (properties.radius_m, default 10) or Polygon features with
//     properties id, holder, kind, valid_from, valid_to.
// Times are RFC 3339, or a date (YYYY-MM-DD, UTC): valid_from from the start of that day,
// valid_to to the end of it (permits name the last day they cover). Bad records are skipped and
// listed with file:line (CSV) or file:features[i] (GeoJSON) and the reason. Pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "tasks/permit.h"

namespace tilsyn::tasks {

struct PermitColumns {
  std::map<std::string, std::string> names;  // field -> column name or 1-based index
};
// Parses "id=COL,lat=COL,…"; the fields are id, holder, kind, lat, lon, radius_m, valid_from,
// valid_to. InvalidArgument naming "columns" for an unknown field or a malformed pair.
Result<PermitColumns> ParsePermitColumns(std::string_view spec);

struct PermitRecords {
  std::vector<Permit> permits;
  std::vector<std::string> bad;  // "file:line: reason"
};

// `file` names the input in messages; the format is GeoJSON when `text` starts with '{' (after
// white space), else CSV. InvalidArgument for a file that cannot be read at all (no header, not
// a FeatureCollection).
Result<PermitRecords> ParsePermits(std::string_view text, const std::string& file,
                                   const PermitColumns& columns);

}  // namespace tilsyn::tasks
