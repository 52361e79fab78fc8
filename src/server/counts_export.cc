#include "server/counts_export.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/csv.h"
#include "core/number_format.h"
#include "core/time_format.h"
#include "server/findings_export.h"

namespace tilsyn::server {
namespace {

struct Row {
  const store::AssessmentRecord* a = nullptr;
  store::Observation obs;
  std::string title;
  int total = 0;
  std::string labels;  // "vehicle=3;bus=1"
  std::optional<int> left, right;
};

}  // namespace

std::string SideCompass(std::optional<double> heading_deg, double offset_deg) {
  if (!heading_deg) return "";
  static const char* kNames[] = {"N", "NE", "E", "SE", "S", "SW", "W", "NW"};
  const double b = std::fmod(std::fmod(*heading_deg + offset_deg, 360.0) + 360.0, 360.0);
  return kNames[static_cast<int>(std::floor((b + 22.5) / 45.0)) % 8];
}

Result<CountsExport> ExportCounts(store::Store& store, const FindingsFilter& filter) {
  FindingsFilter f = filter;
  f.outcome = "all";
  std::vector<store::AssessmentRecord> kept;
  std::vector<Row> rows;
  TILSYN_RETURN_IF_ERROR(ForEachAssessment(
      store, f,
      [&](const store::AssessmentRecord& a, const store::Observation& obs,
          const tasks::Task& task) {
        if (task.kind != tasks::TaskKind::kCount || a.outcome == "inconclusive") return;
        Row r;
        r.obs = obs;
        r.title = task.title;
        for (const auto& [label, n] : a.counts.items()) {
          if (!n.is_number_integer()) continue;
          r.total += n.get<int>();
          r.labels += (r.labels.empty() ? "" : ";") + label + "=" + std::to_string(n.get<int>());
        }
        if (a.counts.contains("by_side") && a.counts["by_side"].is_object()) {
          r.left = a.counts["by_side"].value("left", 0);
          r.right = a.counts["by_side"].value("right", 0);
        }
        kept.push_back(a);
        rows.push_back(std::move(r));
      }));
  for (size_t i = 0; i < rows.size(); ++i) rows[i].a = &kept[i];
  std::stable_sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) {
    return x.obs.captured_ms < y.obs.captured_ms;
  });
  CountsExport out;
  out.geojson = {{"type", "FeatureCollection"}, {"features", Json::array()}};
  out.csv =
      "task_id,task_title,observation_id,vehicle_id,captured_at,lat,lon,heading_deg,count,"
      "counts_by_label,left,right,left_side,right_side,outcome\r\n";
  for (const Row& r : rows) {
    const std::string left_side = r.left ? SideCompass(r.obs.heading_deg, -90) : "";
    const std::string right_side = r.right ? SideCompass(r.obs.heading_deg, 90) : "";
    const std::string captured = FormatIso8601(r.obs.captured_ms);
    Json props = {{"task_id", r.a->task_id},     {"task_title", r.title},
                  {"observation_id", r.obs.id},  {"vehicle_id", r.obs.vehicle_id},
                  {"captured_at", captured},     {"count", r.total},
                  {"counts_by_label", r.labels}, {"outcome", r.a->outcome}};
    props["heading_deg"] = r.obs.heading_deg ? Json(*r.obs.heading_deg) : Json(nullptr);
    props["left"] = r.left ? Json(*r.left) : Json(nullptr);
    props["right"] = r.right ? Json(*r.right) : Json(nullptr);
    props["left_side"] = left_side;
    props["right_side"] = right_side;
    out.geojson["features"].push_back({{"type", "Feature"},
                                       {"id", r.a->id},
                                       {"geometry", ObservationPoint(r.obs)},
                                       {"properties", props}});
    out.csv += CsvField(r.a->task_id) + "," + CsvField(r.title) + "," + CsvField(r.obs.id) + "," +
               CsvField(r.obs.vehicle_id) + "," + captured + "," + ObservationLatLonCsv(r.obs) +
               "," + (r.obs.heading_deg ? FormatFixed(*r.obs.heading_deg, 1) : "") + "," +
               std::to_string(r.total) + "," + CsvField(r.labels) + "," +
               (r.left ? std::to_string(*r.left) : "") + "," +
               (r.right ? std::to_string(*r.right) : "") + "," + left_side + "," + right_side +
               "," + r.a->outcome + "\r\n";
    ++out.count;
  }
  return out;
}

}  // namespace tilsyn::server
