// Store suite: per service × label statistics.
#include "store_fixture.h"

namespace tilsyn::store::testing {
namespace {

TEST_P(StoreTest, StatsOfEmptyStoreAreEmpty) {
  auto s = store_->ServiceStatsSummary();
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->empty());
}

TEST_P(StoreTest, StatsAggregateRunsPercentilesAndFeedback) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("task-1")).ok());
  // Ten observations. Service "a" answers each in i·10 ms, good enough on even i, with an
  // error on i = 1; on odd i the fallback "b" answers in 5 ms, good enough.
  for (int i = 1; i <= 10; ++i) {
    std::string id = "obs-" + std::to_string(i);
    Observation o = MakeObservation(id, "task-1", kT0 + i);
    ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img-" + id, o)).value());
    std::vector<RecognitionRunRecord> runs = {
        MakeRun(id, "a", 0, kT0, i * 10, i % 2 == 0, i == 1 ? "timeout" : "")};
    if (i % 2 == 1) runs.push_back(MakeRun(id, "b", 1, kT0 + 200, 5, true));
    if (i == 10) runs.push_back(MakeRun(id, "a", 0, kT0, 7, false));
    if (i == 10) runs.back().label = "person";
    ASSERT_TRUE(
        store_->RecordAssessment(id, runs, MakeAssessment("as-" + id, o, "ok", kT0 + 300), {})
            .ok());
  }
  auto feedback = [&](int i, const std::string& fb) {
    AssessmentRecord a = store_->GetAssessment("as-obs-" + std::to_string(i)).value();
    a.feedback = fb;
    ASSERT_TRUE(store_->UpdateAssessmentFeedback(a).ok());
  };
  feedback(2, "correct");    // a was good → a correct
  feedback(4, "wrong");      // a wrong
  feedback(6, "corrected");  // a wrong
  feedback(3, "correct");    // b was good (a not) → b correct
  feedback(5, "wrong");      // b wrong

  auto stats = store_->ServiceStatsSummary();
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(stats->size(), 3u);

  const ServiceStats& a = (*stats)[0];
  EXPECT_EQ(a.service, "a");
  EXPECT_EQ(a.label, "container");
  EXPECT_EQ(a.calls, 10);
  EXPECT_EQ(a.good_enough, 5);
  EXPECT_EQ(a.errors, 1);
  EXPECT_EQ(a.fallbacks, 0);
  EXPECT_DOUBLE_EQ(a.p50_ms, 50);   // nearest rank: 5th of 10
  EXPECT_DOUBLE_EQ(a.p95_ms, 100);  // nearest rank: 10th of 10
  EXPECT_EQ(a.feedback_correct, 1);
  EXPECT_EQ(a.feedback_wrong, 2);

  const ServiceStats& ap = (*stats)[1];
  EXPECT_EQ(ap.service, "a");
  EXPECT_EQ(ap.label, "person");
  EXPECT_EQ(ap.calls, 1);
  EXPECT_DOUBLE_EQ(ap.p50_ms, 7);
  EXPECT_DOUBLE_EQ(ap.p95_ms, 7);

  const ServiceStats& b = (*stats)[2];
  EXPECT_EQ(b.service, "b");
  EXPECT_EQ(b.calls, 5);
  EXPECT_EQ(b.good_enough, 5);
  EXPECT_EQ(b.errors, 0);
  EXPECT_EQ(b.fallbacks, 5);
  EXPECT_DOUBLE_EQ(b.p50_ms, 5);
  EXPECT_EQ(b.feedback_correct, 1);
  EXPECT_EQ(b.feedback_wrong, 1);
}

TEST_P(StoreTest, EvaluationRowsAreThePeriodsAssessmentsAndImages) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("task-1")).ok());
  for (int i = 1; i <= 3; ++i) {
    const std::string id = "obs-" + std::to_string(i);
    Observation o = MakeObservation(id, "task-1", kT0 + i * 1000);  // captured kT0 + i·1000 − 1000
    ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img-" + id, o, kT0 + 99'000)).value());
    std::vector<RecognitionRunRecord> runs;
    if (i != 3) runs.push_back(MakeRun(id, "a", 0, kT0, 5, /*good_enough=*/i == 1));
    if (i == 2) runs.push_back(MakeRun(id, "b", 1, kT0, 5, true));
    ASSERT_TRUE(store_
                    ->RecordAssessment(
                        id, runs,
                        MakeAssessment("as-" + id, o, i == 1 ? "finding" : "ok", kT0 + i * 10'000),
                        {})
                    .ok());
  }
  ASSERT_TRUE(store_->MarkBlobDeleted("img-obs-2", kT0 + 50'000, "no_finding").ok());
  auto a = store_->EvaluationAssessments(kT0 + 10'000, kT0 + 30'000);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->size(), 2u) << "assessments made in [from, to)";
  EXPECT_EQ((*a)[0].outcome, "finding");
  EXPECT_EQ((*a)[0].assessed_ms, kT0 + 10'000);
  EXPECT_EQ((*a)[0].captured_ms, kT0);
  EXPECT_EQ((*a)[0].first_good_enough, true);
  EXPECT_EQ((*a)[1].first_good_enough, false) << "the first service, not the fallback";
  EXPECT_FALSE(store_->EvaluationAssessments(kT0 + 30'000, kT0 + 40'000)
                   ->at(0)
                   .first_good_enough.has_value())
      << "no run recorded";
  auto img = store_->EvaluationImages(kT0, kT0 + 2000);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  ASSERT_EQ(img->size(), 2u);
  EXPECT_FALSE((*img)[0].deleted_ms.has_value());
  EXPECT_EQ((*img)[1].deleted_ms, kT0 + 50'000);
  EXPECT_EQ((*img)[1].delete_after_ms, kT0 + 99'000);
}

TEST_P(StoreTest, StatsPercentilesUseNearestRank) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("task-1")).ok());
  Observation o = MakeObservation("obs-1", "task-1", kT0);
  ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img", o)).value());
  // Latencies 1..20 ms: p50 = 10th value (10), p95 = 19th value (19).
  std::vector<RecognitionRunRecord> runs;
  for (int i = 20; i >= 1; --i) runs.push_back(MakeRun("obs-1", "s", 0, kT0, i, true));
  ASSERT_TRUE(store_->RecordAssessment("obs-1", runs, MakeAssessment("as", o, "ok", kT0), {}).ok());
  auto stats = store_->ServiceStatsSummary();
  ASSERT_EQ(stats->size(), 1u);
  EXPECT_DOUBLE_EQ((*stats)[0].p50_ms, 10);
  EXPECT_DOUBLE_EQ((*stats)[0].p95_ms, 19);
}

}  // namespace
}  // namespace tilsyn::store::testing
