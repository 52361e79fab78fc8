// The pilot's figures (server/evaluation.h) on hand-made rows: each figure as its "how" says,
// per unit and all together, and the estimates that need a depot.
#include "server/evaluation.h"

#include <gtest/gtest.h>

namespace tilsyn::server {
namespace {

constexpr TimeMs kDay = 86'400'000, kHour = 3'600'000;
constexpr TimeMs kFrom = 1'700'000'000'000 - 1'700'000'000'000 % kDay;  // a UTC midnight

tasks::Task TaskOf(const std::string& id, const std::string& unit, TimeMs created, geo::LatLon at) {
  tasks::Task t;
  t.id = id;
  t.unit = unit;
  t.created_ms = created;
  t.area = geo::Geofence::Circle(at, 25);
  return t;
}

store::EvaluationAssessment A(const std::string& task, TimeMs captured, TimeMs assessed,
                              const std::string& outcome, std::optional<bool> first_good,
                              const std::string& feedback = "") {
  return {task, assessed, captured, outcome, feedback, first_good};
}

const EvaluationFigure& Get(const UnitEvaluation& u, const std::string& key) {
  for (const auto& f : u.figures) {
    if (f.key == key) return f;
  }
  static const EvaluationFigure kNone;
  ADD_FAILURE() << "no figure " << key;
  return kNone;
}

EvaluationInput Sample() {
  EvaluationInput in;
  in.from_ms = kFrom;
  in.to_ms = kFrom + 30 * kDay;
  in.now_ms = kFrom + 31 * kDay;
  const geo::LatLon site{55.6761, 12.5683};
  in.tasks = {TaskOf("a", "TMF", kFrom + kHour, site), TaskOf("b", "BUF", kFrom - kDay, site)};
  in.assessments = {
      A("a", kFrom + 3 * kHour, kFrom + 4 * kHour, "finding", true, "correct"),
      A("a", kFrom + 5 * kHour, kFrom + 6 * kHour, "ok", false),  // same day as above
      A("a", kFrom + kDay + kHour, kFrom + kDay + 2 * kHour, "finding", true, "wrong"),
      A("b", kFrom + 2 * kDay, kFrom + 2 * kDay + kHour, "inconclusive", std::nullopt),
      A("c", kFrom + 2 * kDay, kFrom + 2 * kDay, "finding", true),  // a task not visible
  };
  in.images = {
      {"a", kFrom + 3 * kHour, kFrom + 3 * kHour, kFrom + 3 * kHour + 1},  // no finding: at once
      {"a", kFrom + 5 * kHour, kFrom + 40 * kDay, std::nullopt},           // kept, not due
      {"b", kFrom + 2 * kDay, kFrom + 3 * kDay, kFrom + 5 * kDay},         // deleted late
      {"b", kFrom + 2 * kDay, kFrom + 4 * kDay, std::nullopt},             // overdue
  };
  return in;
}

TEST(Evaluation, EachFigureIsWhatItsDescriptionSays) {
  const std::vector<UnitEvaluation> units = Evaluate(Sample());
  ASSERT_EQ(units.size(), 3u);
  const UnitEvaluation& all = units[0];
  EXPECT_EQ(all.unit, "*");
  EXPECT_EQ(Get(all, "inspections_by_camera").value, 3);
  EXPECT_EQ(Get(all, "inconclusive").value, 1);
  EXPECT_EQ(Get(all, "sites_inspected").value, 1);
  EXPECT_EQ(Get(all, "hours_to_first_observation").value, 2) << "task a: created +1 h, seen +3 h";
  EXPECT_EQ(Get(all, "hours_to_first_assessment").value, 3);
  EXPECT_DOUBLE_EQ(*Get(all, "good_enough_first_share").value, 2.0 / 3);
  EXPECT_DOUBLE_EQ(*Get(all, "confirmed_precision").value, 0.5);
  EXPECT_EQ(Get(all, "trips_saved").value, 2) << "task a on two days";
  EXPECT_FALSE(Get(all, "driving_saved_km").value.has_value()) << "no depot";
  EXPECT_EQ(Get(all, "images_taken").value, 4);
  EXPECT_EQ(Get(all, "images_kept").value, 2);
  EXPECT_EQ(Get(all, "images_deleted").value, 2);
  EXPECT_DOUBLE_EQ(*Get(all, "images_deleted_on_time").value, 0.5);
  EXPECT_EQ(Get(all, "images_overdue").value, 1);
  for (const auto& f : all.figures) EXPECT_FALSE(f.how.empty()) << f.key;

  // Per unit, by name: BUF (task b) then TMF (task a).
  EXPECT_EQ(units[1].unit, "BUF");
  EXPECT_EQ(Get(units[1], "inspections_by_camera").value, 0);
  EXPECT_FALSE(Get(units[1], "hours_to_first_observation").value.has_value())
      << "task b was created before the period";
  EXPECT_FALSE(Get(units[1], "confirmed_precision").value.has_value()) << "no verdicts";
  EXPECT_EQ(units[2].unit, "TMF");
  EXPECT_EQ(Get(units[2], "inspections_by_camera").value, 3);
}

TEST(Evaluation, DrivingSavedIsTwiceTheDepotDistanceTimesTheDetourPerTrip) {
  EvaluationInput in = Sample();
  in.depot = geo::LatLon{55.6761, 12.5683 + 0.01};  // ~627 m east of the site
  const double one_way_km = geo::DistanceM(*in.depot, {55.6761, 12.5683}) / 1000;
  const double km = *Get(Evaluate(in)[0], "driving_saved_km").value;
  EXPECT_NEAR(km, 2 * 2 * one_way_km * kDetourFactor, 1e-9);  // two trips saved
}

TEST(Evaluation, CsvHasOneRowPerUnitAndFigureWithItsMethod) {
  const std::string csv = EvaluationToCsv(Evaluate(Sample()));
  EXPECT_EQ(csv.rfind("unit,figure,value,measure,how\r\n", 0), 0u);
  EXPECT_NE(csv.find("*,inspections_by_camera,3,count,"), std::string::npos);
  EXPECT_NE(csv.find("TMF,confirmed_precision,0.5,ratio,"), std::string::npos);
  EXPECT_NE(csv.find("*,driving_saved_km,,km,"), std::string::npos) << "empty without a depot";
  size_t rows = 0;
  for (size_t i = csv.find("\r\n"); i != std::string::npos; i = csv.find("\r\n", i + 2)) ++rows;
  EXPECT_EQ(rows, 1 + 3 * Evaluate(Sample())[0].figures.size());
}

TEST(Evaluation, DepotTextIsLatCommaLon) {
  auto p = ParseLatLonText("55.6761,12.5683", "pilot_depot");
  ASSERT_TRUE(p.ok());
  EXPECT_DOUBLE_EQ(p->lat, 55.6761);
  for (const char* bad : {"", "55.6", "55.6,", "x,12", "95,12", "55,200", "55,12 east"}) {
    EXPECT_EQ(ParseLatLonText(bad, "pilot_depot").status().field(), "pilot_depot") << bad;
  }
}

}  // namespace
}  // namespace tilsyn::server
