// Findings for a spreadsheet or a GIS: the assessments that match a filter, each with its
// observation's place and capture time and its task, as a GeoJSON FeatureCollection (Point
// features, RFC 7946: WGS84, [lon, lat]) or as CSV (a header row, one line per assessment,
// RFC 4180 quoting). Shared by GET /api/v1/exports/findings.{geojson,csv} and
// `tilsyn export findings`. Reads the store only; the callers audit the export.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "store/store.h"

namespace tilsyn::server {

struct FindingsFilter {
  std::optional<std::string> task_id;
  std::string outcome = "finding";  // ok | finding | inconclusive | all
  std::optional<TimeMs> from_ms;    // capture time >= from
  std::optional<TimeMs> to_ms;      // capture time < to
  // Only tasks of these units and of none (an inspector's units; empty = every unit).
  std::vector<std::string> visible_units;
  int limit = 100'000;
};

// InvalidArgument naming "outcome" for an unknown outcome.
Status ValidateFindingsFilter(const FindingsFilter& f);

struct FindingsExport {
  Json geojson;     // FeatureCollection
  std::string csv;  // header + rows
  int count = 0;
};

Result<FindingsExport> ExportFindings(store::Store& store, const FindingsFilter& filter);

// The walk both exports share: every assessment that matches `filter` (newest first; capture
// time within from/to), with its observation and its task (each task read once).
using AssessmentVisitor = std::function<void(const store::AssessmentRecord&,
                                             const store::Observation&, const tasks::Task&)>;
Status ForEachAssessment(store::Store& store, const FindingsFilter& filter,
                         const AssessmentVisitor& visit);

// Where an observation was taken, for the exports: a GeoJSON Point, or null (RFC 7946 allows a
// Feature without geometry) once its location was erased (retention, a data subject's request).
Json ObservationPoint(const store::Observation& obs);
// "lat,lon" (7 decimals) for a CSV row, or "," once the location was erased.
std::string ObservationLatLonCsv(const store::Observation& obs);

}  // namespace tilsyn::server
