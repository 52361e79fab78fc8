// The pilot's evaluation (the seed is a 12-month pilot that must show its value): figures per
// period and department (task unit), each with how it is computed — inspections done by camera,
// time from a task's creation to its first observation and assessment, the share good enough
// at the first service, inspector-confirmed precision, trips an inspector did not have to make
// and the driving they saved (an estimate from a depot), images taken, kept and deleted on time.
// GET /api/v1/evaluation(.csv), docs/api.md. Pure functions over store rows; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/result.h"
#include "geo/latlon.h"
#include "store/records.h"
#include "tasks/task.h"

namespace tilsyn::server {

struct EvaluationInput {
  TimeMs from_ms = 0, to_ms = 0, now_ms = 0;
  std::vector<tasks::Task> tasks;  // the tasks the caller may see (others' rows are left out)
  std::vector<store::EvaluationAssessment> assessments;
  std::vector<store::EvaluationImage> images;
  std::optional<geo::LatLon> depot;  // where inspectors would drive from; none = no km figure
};

struct EvaluationFigure {
  std::string key;              // e.g. "inspections_by_camera"
  std::optional<double> value;  // empty when it cannot be computed (no data, no depot)
  std::string unit;             // count | ratio | hours | km
  std::string how;              // how it is computed, in words
};

struct UnitEvaluation {
  std::string unit;  // the department; "*" = all together
  std::vector<EvaluationFigure> figures;
};

// All units together first, then one entry per unit with tasks, by name ("" = tasks without).
std::vector<UnitEvaluation> Evaluate(const EvaluationInput& in);

// {"from","to","depot","units":[{"unit","figures":[{key,value,unit,how}]}]}
Json EvaluationToJson(const EvaluationInput& in, const std::vector<UnitEvaluation>& units);
// unit,figure,value,measure,how — RFC 4180, one row per unit and figure.
std::string EvaluationToCsv(const std::vector<UnitEvaluation>& units);

// "lat,lon" in degrees → a point; InvalidArgument naming `field` otherwise (the depot, from the
// configuration's pilot_depot or the query).
Result<geo::LatLon> ParseLatLonText(const std::string& text, const std::string& field);

// A street-distance estimate: the straight line between them times this.
inline constexpr double kDetourFactor = 1.3;

}  // namespace tilsyn::server
