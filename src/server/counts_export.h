// The count series of count tasks, for traffic and parking models: one row per counted image,
// oldest first, with place, capture time, heading, the count per target label and per street
// side (left/right of the direction of travel, and which compass side that is: heading 0°, the
// left side is W), as CSV (RFC 4180) or a GeoJSON FeatureCollection. Shared by
// GET /api/v1/exports/counts.{csv,geojson} and `tilsyn export counts`. Reads the store only;
// the callers audit the export.
#pragma once

#include <optional>
#include <string>

#include "core/json_util.h"
#include "core/result.h"
#include "server/findings_export.h"
#include "store/store.h"

namespace tilsyn::server {

struct CountsExport {
  Json geojson;
  std::string csv;
  int count = 0;
};

// The compass side (N, NE, … NW) that lies at `offset_deg` from the direction of travel
// (-90 = left, +90 = right); "" without a heading.
std::string SideCompass(std::optional<double> heading_deg, double offset_deg);

// Only count tasks' assessments (any outcome) within filter.task_id / from / to.
Result<CountsExport> ExportCounts(store::Store& store, const FindingsFilter& filter);

}  // namespace tilsyn::server
