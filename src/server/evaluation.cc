#include "server/evaluation.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "core/time_format.h"

namespace tilsyn::server {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kHourMs = 3'600'000;

std::optional<double> Median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::optional<double> Ratio(int64_t part, int64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

bool Conclusive(const std::string& outcome) { return outcome == "ok" || outcome == "finding"; }

// The figures of the rows whose task is in `tasks` (id → task).
std::vector<EvaluationFigure> Figures(const EvaluationInput& in,
                                      const std::map<std::string, const tasks::Task*>& tasks) {
  int64_t conclusive = 0, inconclusive = 0, with_run = 0, first_good = 0;
  int64_t verdicts = 0, correct = 0;
  std::set<std::string> sites;
  std::set<std::pair<std::string, int64_t>> site_days;
  std::map<std::string, TimeMs> first_capture, first_assessment;
  for (const store::EvaluationAssessment& a : in.assessments) {
    if (!tasks.count(a.task_id)) continue;
    if (Conclusive(a.outcome)) {
      ++conclusive;
      sites.insert(a.task_id);
      site_days.insert({a.task_id, a.captured_ms / kDayMs});
    } else {
      ++inconclusive;
    }
    if (a.first_good_enough) {
      ++with_run;
      first_good += *a.first_good_enough ? 1 : 0;
    }
    if (a.outcome == "finding" && !a.feedback.empty()) {
      ++verdicts;
      correct += a.feedback == "correct" ? 1 : 0;
    }
    auto [c, new_c] = first_capture.try_emplace(a.task_id, a.captured_ms);
    if (!new_c) c->second = std::min(c->second, a.captured_ms);
    auto [s, new_s] = first_assessment.try_emplace(a.task_id, a.assessed_ms);
    if (!new_s) s->second = std::min(s->second, a.assessed_ms);
  }
  std::vector<double> to_capture, to_assessment;
  for (const auto& [id, t] : first_capture) {
    const tasks::Task& task = *tasks.at(id);
    if (task.created_ms < in.from_ms || task.created_ms >= in.to_ms) continue;
    to_capture.push_back(static_cast<double>(std::max<TimeMs>(0, t - task.created_ms)) / kHourMs);
    to_assessment.push_back(
        static_cast<double>(std::max<TimeMs>(0, first_assessment.at(id) - task.created_ms)) /
        kHourMs);
  }
  std::optional<double> km;
  if (in.depot) {
    double m = 0;
    for (const auto& [id, day] : site_days) {
      m += 2 * geo::DistanceM(*in.depot, tasks.at(id)->area.Anchor()) * kDetourFactor;
    }
    km = m / 1000;
  }
  int64_t taken = 0, kept = 0, deleted = 0, on_time = 0, overdue = 0;
  for (const store::EvaluationImage& i : in.images) {
    if (!tasks.count(i.task_id)) continue;
    ++taken;
    if (i.deleted_ms) {
      ++deleted;
      if (!i.delete_after_ms || *i.deleted_ms <= *i.delete_after_ms + kDayMs) ++on_time;
    } else {
      ++kept;
      if (i.delete_after_ms && *i.delete_after_ms + kDayMs < in.now_ms) ++overdue;
    }
  }
  auto count = [](int64_t n) { return std::optional<double>(static_cast<double>(n)); };
  return {
      {"inspections_by_camera", count(conclusive), "count",
       "Assessments made in the period that ended ok or finding (an inconclusive image is not an "
       "inspection)."},
      {"inconclusive", count(inconclusive), "count",
       "Assessments made in the period that ended inconclusive."},
      {"sites_inspected", count(static_cast<int64_t>(sites.size())), "count",
       "Tasks (sites) with at least one ok or finding assessment in the period."},
      {"hours_to_first_observation", Median(to_capture), "hours",
       "For each task created in the period and assessed in it: hours from its creation to the "
       "capture of its first assessed observation; the median over those tasks."},
      {"hours_to_first_assessment", Median(to_assessment), "hours",
       "For the same tasks: hours from creation to the first assessment; the median."},
      {"good_enough_first_share", Ratio(first_good, with_run), "ratio",
       "Assessments whose first recognition service asked was good enough (no fallback needed), "
       "out of assessments with a recorded run."},
      {"confirmed_precision", Ratio(correct, verdicts), "ratio",
       "Findings an inspector marked correct, out of findings with a verdict (wrong and "
       "corrected count against)."},
      {"trips_saved", count(static_cast<int64_t>(site_days.size())), "count",
       "Site-days (UTC) with at least one ok or finding assessment: each a visit an inspector "
       "did not have to make (an estimate: one trip per site and day)."},
      {"driving_saved_km", km, "km",
       "For each trip saved, twice the straight-line distance from the depot to the site times "
       "1.3 for the street network (an estimate); empty without a depot (pilot_depot)."},
      {"images_taken", count(taken), "count",
       "Observations captured in the period (one image each)."},
      {"images_kept", count(kept), "count",
       "Of those, images still kept now (evidence, references, under review, legal hold)."},
      {"images_deleted", count(deleted), "count", "Of those, images deleted."},
      {"images_deleted_on_time", Ratio(on_time, deleted), "ratio",
       "Deleted images whose deletion came at most a day after their deadline, out of deleted "
       "images."},
      {"images_overdue", count(overdue), "count",
       "Images still kept more than a day past their deadline (0 unless a legal hold keeps "
       "them)."},
  };
}

std::string CsvCell(const std::string& s) {
  std::string v = s;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Result<geo::LatLon> ParseLatLonText(const std::string& text, const std::string& field) {
  const size_t comma = text.find(',');
  char* end = nullptr;
  geo::LatLon p;
  if (comma != std::string::npos) {
    const std::string lat = text.substr(0, comma), lon = text.substr(comma + 1);
    p.lat = std::strtod(lat.c_str(), &end);
    const bool lat_ok = !lat.empty() && *end == '\0';
    p.lon = std::strtod(lon.c_str(), &end);
    if (lat_ok && !lon.empty() && *end == '\0' && p.lat >= -90 && p.lat <= 90 && p.lon >= -180 &&
        p.lon <= 180) {
      return p;
    }
  }
  return Status::InvalidArgument("must be \"lat,lon\" in degrees, e.g. 55.6761,12.5683", field);
}

std::vector<UnitEvaluation> Evaluate(const EvaluationInput& in) {
  std::map<std::string, const tasks::Task*> all;
  std::map<std::string, std::map<std::string, const tasks::Task*>> by_unit;
  for (const tasks::Task& t : in.tasks) {
    all[t.id] = &t;
    by_unit[t.unit][t.id] = &t;
  }
  std::vector<UnitEvaluation> out;
  out.push_back({"*", Figures(in, all)});
  for (const auto& [unit, tasks] : by_unit) out.push_back({unit, Figures(in, tasks)});
  return out;
}

Json EvaluationToJson(const EvaluationInput& in, const std::vector<UnitEvaluation>& units) {
  Json list = Json::array();
  for (const UnitEvaluation& u : units) {
    Json figures = Json::array();
    for (const EvaluationFigure& f : u.figures) {
      figures.push_back({{"key", f.key},
                         {"value", f.value ? Json(*f.value) : Json(nullptr)},
                         {"unit", f.unit},
                         {"how", f.how}});
    }
    list.push_back({{"unit", u.unit}, {"figures", figures}});
  }
  return {
      {"from", FormatIso8601(in.from_ms)},
      {"to", FormatIso8601(in.to_ms)},
      {"depot", in.depot ? Json{{"lat", in.depot->lat}, {"lon", in.depot->lon}} : Json(nullptr)},
      {"units", list}};
}

std::string EvaluationToCsv(const std::vector<UnitEvaluation>& units) {
  std::string out = "unit,figure,value,measure,how\r\n";
  for (const UnitEvaluation& u : units) {
    for (const EvaluationFigure& f : u.figures) {
      std::string value;
      if (f.value) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", *f.value);
        value = buf;
      }
      out += CsvCell(u.unit) + "," + f.key + "," + value + "," + f.unit + "," + CsvCell(f.how) +
             "\r\n";
    }
  }
  return out;
}

}  // namespace tilsyn::server
