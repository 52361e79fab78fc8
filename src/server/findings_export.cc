#include "server/findings_export.h"

#include <algorithm>
#include <map>

#include "core/csv.h"
#include "core/number_format.h"
#include "core/time_format.h"
#include "tasks/task.h"

namespace tilsyn::server {
Status ValidateFindingsFilter(const FindingsFilter& f) {
  if (f.outcome != "all" && !tasks::ParseOutcome(f.outcome)) {
    return Status::InvalidArgument("outcome must be ok, finding, inconclusive or all", "outcome");
  }
  if (f.from_ms && f.to_ms && *f.to_ms <= *f.from_ms) {
    return Status::InvalidArgument("to must be after from", "to");
  }
  return Status::Ok();
}

Status ForEachAssessment(store::Store& store, const FindingsFilter& f,
                         const AssessmentVisitor& visit) {
  TILSYN_RETURN_IF_ERROR(ValidateFindingsFilter(f));
  store::AssessmentFilter af;
  af.task_id = f.task_id;
  if (f.outcome != "all") af.outcome = f.outcome;
  af.limit = f.limit;
  TILSYN_ASSIGN_OR_RETURN(auto assessments, store.ListAssessments(af));
  std::map<std::string, tasks::Task> tasks;
  for (const store::AssessmentRecord& a : assessments) {
    TILSYN_ASSIGN_OR_RETURN(store::Observation obs, store.GetObservation(a.observation_id));
    if (f.from_ms && obs.captured_ms < *f.from_ms) continue;
    if (f.to_ms && obs.captured_ms >= *f.to_ms) continue;
    auto t = tasks.find(a.task_id);
    if (t == tasks.end()) {
      TILSYN_ASSIGN_OR_RETURN(tasks::Task task, store.GetTask(a.task_id));
      t = tasks.emplace(a.task_id, std::move(task)).first;
    }
    const std::string& unit = t->second.unit;
    if (!f.visible_units.empty() && !unit.empty() &&
        std::find(f.visible_units.begin(), f.visible_units.end(), unit) == f.visible_units.end()) {
      continue;
    }
    visit(a, obs, t->second);
  }
  return Status::Ok();
}

Json ObservationPoint(const store::Observation& obs) {
  if (obs.location_erased_ms) return nullptr;
  return {{"type", "Point"}, {"coordinates", {obs.lon, obs.lat}}};
}

std::string ObservationLatLonCsv(const store::Observation& obs) {
  if (obs.location_erased_ms) return ",";
  return FormatFixed(obs.lat, 7) + "," + FormatFixed(obs.lon, 7);
}

Result<FindingsExport> ExportFindings(store::Store& store, const FindingsFilter& f) {
  FindingsExport out;
  out.geojson = {{"type", "FeatureCollection"}, {"features", Json::array()}};
  out.csv =
      "assessment_id,outcome,reason,task_id,task_title,task_kind,observation_id,vehicle_id,"
      "captured_at,assessed_at,lat,lon\r\n";
  TILSYN_RETURN_IF_ERROR(ForEachAssessment(
      store, f,
      [&](const store::AssessmentRecord& a, const store::Observation& obs,
          const tasks::Task& task) {
        const std::string kind(tasks::ToString(task.kind));
        const std::string captured = FormatIso8601(obs.captured_ms);
        const std::string assessed = FormatIso8601(a.created_ms);
        out.geojson["features"].push_back({{"type", "Feature"},
                                           {"id", a.id},
                                           {"geometry", ObservationPoint(obs)},
                                           {"properties",
                                            {{"assessment_id", a.id},
                                             {"outcome", a.outcome},
                                             {"reason", a.reason},
                                             {"task_id", a.task_id},
                                             {"task_title", task.title},
                                             {"task_kind", kind},
                                             {"observation_id", obs.id},
                                             {"vehicle_id", obs.vehicle_id},
                                             {"captured_at", captured},
                                             {"assessed_at", assessed},
                                             {"counts", a.counts.dump()}}}});
        out.csv += CsvField(a.id) + "," + CsvField(a.outcome) + "," + CsvField(a.reason) + "," +
                   CsvField(a.task_id) + "," + CsvField(task.title) + "," + CsvField(kind) + "," +
                   CsvField(obs.id) + "," + CsvField(obs.vehicle_id) + "," + captured + "," +
                   assessed + "," + ObservationLatLonCsv(obs) + "\r\n";
        ++out.count;
      }));
  return out;
}

}  // namespace tilsyn::server
