// Store suite: recognition runs, assessments, feedback and action runs.
#include <map>
#include <mutex>
#include <thread>

#include "store_fixture.h"

namespace tilsyn::store::testing {
namespace {

// A store with task-1 and stored observations obs-1 … obs-n.
class Seeded {
 public:
  static void Seed(Store& s, int n) {
    ASSERT_TRUE(s.CreateTask(MakeTask("task-1")).ok());
    for (int i = 1; i <= n; ++i) {
      Observation o = MakeObservation("obs-" + std::to_string(i), "task-1", kT0 + i);
      ASSERT_TRUE(s.InsertObservation(o, MakeBlob("img-" + std::to_string(i), o)).value());
    }
  }
};

TEST_P(StoreTest, RecordAssessmentStoresEverythingAndMarksAssessed) {
  Seeded::Seed(*store_, 1);
  Observation o = store_->GetObservation("obs-1").value();
  std::vector<RecognitionRunRecord> runs = {MakeRun("obs-1", "fast", 0, kT0, 40, false, "timeout"),
                                            MakeRun("obs-1", "good", 1, kT0 + 50, 80, true)};
  runs[0].id = "run-0";
  AssessmentRecord a = MakeAssessment("as-1", o, "finding", kT0 + 200);
  a.reason_code = "present_unexpected";
  a.reason_params = {{"n", "1"}, {"label", "container"}};
  std::vector<ActionRunRecord> actions = {MakeActionRun("ar-1", "as-1", "as-1:0", kT0 + 200),
                                          MakeActionRun("", "", "as-1:1", kT0 + 200)};
  actions[1].type = "log";
  ASSERT_TRUE(store_->RecordAssessment("obs-1", runs, a, actions).ok());

  auto got_runs = store_->RunsForObservation("obs-1");
  ASSERT_TRUE(got_runs.ok());
  ASSERT_EQ(got_runs->size(), 2u);
  EXPECT_EQ((*got_runs)[0].id, "run-0");
  EXPECT_EQ((*got_runs)[0].service, "fast");
  EXPECT_EQ((*got_runs)[0].error, "timeout");
  EXPECT_FALSE((*got_runs)[0].good_enough);
  EXPECT_EQ((*got_runs)[1].service, "good");
  EXPECT_FALSE((*got_runs)[1].id.empty());  // generated
  EXPECT_EQ((*got_runs)[1].position, 1);
  EXPECT_EQ((*got_runs)[1].finished_ms - (*got_runs)[1].started_ms, 80);
  EXPECT_TRUE((*got_runs)[1].good_enough);
  EXPECT_EQ((*got_runs)[1].detections, runs[1].detections);

  auto got = store_->GetAssessment("as-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->observation_id, "obs-1");
  EXPECT_EQ(got->task_id, "task-1");
  EXPECT_EQ(got->outcome, "finding");
  EXPECT_EQ(got->reason, "1 container");
  // The reason's code and parameters, for the reader's language.
  EXPECT_EQ(got->reason_code, "present_unexpected");
  EXPECT_EQ(got->reason_params, (Json{{"n", "1"}, {"label", "container"}}));
  EXPECT_EQ(got->counts["container"], 1);
  EXPECT_EQ(got->created_ms, kT0 + 200);
  EXPECT_EQ(got->feedback, "");
  EXPECT_FALSE(got->satisfaction.has_value());
  EXPECT_EQ(store_->GetAssessmentForObservation("obs-1")->id, "as-1");

  auto obs = store_->GetObservation("obs-1");
  EXPECT_EQ(obs->state, ObservationState::kAssessed);
  EXPECT_EQ(obs->updated_ms, kT0 + 200);

  auto acts = store_->ListActionRuns(std::string("as-1"), 10);
  ASSERT_TRUE(acts.ok());
  ASSERT_EQ(acts->size(), 2u);
  for (const auto& r : *acts) {
    EXPECT_EQ(r.assessment_id, "as-1");  // defaulted for the second one
    EXPECT_EQ(r.task_id, "task-1");
    EXPECT_FALSE(r.id.empty());
    EXPECT_EQ(r.status, ActionStatus::kPending);
  }
}

TEST_P(StoreTest, SecondAssessmentOfAnObservationChangesNothing) {
  Seeded::Seed(*store_, 1);
  Observation o = store_->GetObservation("obs-1").value();
  ASSERT_TRUE(store_
                  ->RecordAssessment("obs-1", {MakeRun("obs-1", "s", 0, kT0, 10, true)},
                                     MakeAssessment("as-1", o, "ok", kT0 + 1),
                                     {MakeActionRun("ar-1", "as-1", "key-1", kT0)})
                  .ok());
  // Reset the state so we can see the duplicate does not set it again.
  o = store_->GetObservation("obs-1").value();
  o.state = ObservationState::kDone;
  ASSERT_TRUE(store_->UpdateObservation(o).ok());

  Status st = store_->RecordAssessment(
      "obs-1", {MakeRun("obs-1", "s", 0, kT0, 10, true), MakeRun("obs-1", "t", 1, kT0, 10, true)},
      MakeAssessment("as-2", o, "finding", kT0 + 2), {MakeActionRun("ar-2", "as-2", "key-2", kT0)});
  EXPECT_EQ(st.code(), Code::kAlreadyExists);
  EXPECT_EQ(store_->RunsForObservation("obs-1")->size(), 1u);
  EXPECT_EQ(store_->GetAssessment("as-2").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->GetAssessmentForObservation("obs-1")->outcome, "ok");
  EXPECT_EQ(store_->ListActionRuns(std::nullopt, 10)->size(), 1u);
  EXPECT_EQ(store_->GetObservation("obs-1")->state, ObservationState::kDone);
}

TEST_P(StoreTest, FailedRecordAssessmentRollsBackEarlierInserts) {
  Seeded::Seed(*store_, 2);
  Observation o1 = store_->GetObservation("obs-1").value();
  Observation o2 = store_->GetObservation("obs-2").value();
  ASSERT_TRUE(
      store_->RecordAssessment("obs-1", {}, MakeAssessment("as-1", o1, "ok", kT0), {}).ok());
  // Same assessment id for another observation: the runs go in first, then the assessment
  // fails; the runs must not stay behind.
  Status st = store_->RecordAssessment("obs-2", {MakeRun("obs-2", "s", 0, kT0, 10, true)},
                                       MakeAssessment("as-1", o2, "ok", kT0), {});
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(store_->RunsForObservation("obs-2")->empty());
  EXPECT_EQ(store_->GetObservation("obs-2")->state, ObservationState::kStored);
}

TEST_P(StoreTest, ActionRunWithKnownIdempotencyKeyIsSkipped) {
  Seeded::Seed(*store_, 2);
  Observation o1 = store_->GetObservation("obs-1").value();
  Observation o2 = store_->GetObservation("obs-2").value();
  ASSERT_TRUE(store_
                  ->RecordAssessment("obs-1", {}, MakeAssessment("as-1", o1, "finding", kT0),
                                     {MakeActionRun("ar-1", "as-1", "same-key", kT0)})
                  .ok());
  ActionRunRecord dup = MakeActionRun("ar-2", "as-2", "same-key", kT0);
  dup.target = "http://127.0.0.1:9/other";
  ASSERT_TRUE(store_
                  ->RecordAssessment("obs-2", {}, MakeAssessment("as-2", o2, "finding", kT0),
                                     {dup, MakeActionRun("ar-3", "as-2", "other-key", kT0)})
                  .ok());
  auto all = store_->ListActionRuns(std::nullopt, 10);
  ASSERT_EQ(all->size(), 2u);
  auto as2 = store_->ListActionRuns(std::string("as-2"), 10);
  ASSERT_EQ(as2->size(), 1u);
  EXPECT_EQ((*as2)[0].id, "ar-3");
}

// A site nobody visits: runs of no assessment, queued once per idempotency key, delivered
// like the others (claimed, listed).
TEST_P(StoreTest, ActionRunsOfNoAssessmentAreQueuedOncePerKey) {
  Seeded::Seed(*store_, 1);
  ActionRunRecord a = MakeActionRun("u-1", "", "task-1:unvisited:5:0", kT0);
  a.task_id = "task-1";
  ActionRunRecord b = MakeActionRun("u-2", "", "task-1:unvisited:5:1", kT0);
  b.task_id = "task-1";
  EXPECT_EQ(store_->QueueActionRuns({a, b}).value(), 2);
  ActionRunRecord again = a;
  again.id = "u-3";
  EXPECT_EQ(store_->QueueActionRuns({again, b}).value(), 0) << "the same keys queue nothing";
  auto all = store_->ListActionRuns(std::nullopt, 10);
  ASSERT_EQ(all->size(), 2u);
  for (const ActionRunRecord& r : *all) {
    EXPECT_EQ(r.assessment_id, "");
    EXPECT_EQ(r.task_id, "task-1");
  }
  auto claimed = store_->ClaimNextActionRun(kT0 + 1, [](ActionRunRecord& r) { ++r.attempts; });
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  EXPECT_EQ((*claimed)->assessment_id, "");
  EXPECT_EQ(store_->GetActionRun((*claimed)->id)->attempts, 1);
  // Without a task or a key: refused, nothing written.
  ActionRunRecord no_task = MakeActionRun("u-4", "", "k-4", kT0);
  no_task.task_id.clear();
  EXPECT_EQ(store_->QueueActionRuns({no_task}).status().field(), "task_id");
  EXPECT_EQ(store_->QueueActionRuns({MakeActionRun("u-5", "", "", kT0)}).status().field(),
            "idempotency_key");
  EXPECT_EQ(store_->ListActionRuns(std::nullopt, 10)->size(), 2u);
}

TEST_P(StoreTest, AssessmentOfUnknownObservationIsNotFound) {
  Seeded::Seed(*store_, 0);
  Observation ghost = MakeObservation("ghost", "task-1", kT0);
  EXPECT_EQ(
      store_->RecordAssessment("ghost", {}, MakeAssessment("as", ghost, "ok", kT0), {}).code(),
      Code::kNotFound);
  EXPECT_EQ(store_->GetAssessment("as").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->GetAssessmentForObservation("ghost").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, ListAssessmentsFiltersNewestFirstAndCounts) {
  Seeded::Seed(*store_, 4);
  ASSERT_TRUE(store_->CreateTask(MakeTask("task-2")).ok());
  Observation other = MakeObservation("obs-x", "task-2", kT0);
  ASSERT_TRUE(store_->InsertObservation(other, MakeBlob("img-x", other)).value());
  const char* outcomes[] = {"ok", "finding", "finding", "inconclusive"};
  for (int i = 1; i <= 4; ++i) {
    Observation o = store_->GetObservation("obs-" + std::to_string(i)).value();
    ASSERT_TRUE(store_
                    ->RecordAssessment(
                        o.id, {},
                        MakeAssessment("as-" + std::to_string(i), o, outcomes[i - 1], kT0 + i), {})
                    .ok());
  }
  ASSERT_TRUE(
      store_->RecordAssessment("obs-x", {}, MakeAssessment("as-x", other, "ok", kT0 + 9), {}).ok());

  auto all = store_->ListAssessments({});
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0].id, "as-x");
  EXPECT_EQ((*all)[1].id, "as-4");

  AssessmentFilter f;
  f.task_id = "task-1";
  f.outcome = "finding";
  auto findings = store_->ListAssessments(f);
  ASSERT_EQ(findings->size(), 2u);
  EXPECT_EQ((*findings)[0].id, "as-3");
  EXPECT_EQ((*findings)[1].id, "as-2");

  AssessmentFilter page;
  page.task_id = "task-1";
  page.limit = 1;
  page.offset = 1;
  ASSERT_EQ(store_->ListAssessments(page)->size(), 1u);
  EXPECT_EQ(store_->ListAssessments(page)->at(0).id, "as-3");

  auto counts = store_->CountAssessmentsByOutcome();
  EXPECT_EQ(counts->at("ok"), 2);
  EXPECT_EQ(counts->at("finding"), 2);
  EXPECT_EQ(counts->at("inconclusive"), 1);
}

TEST_P(StoreTest, FeedbackIsStored) {
  Seeded::Seed(*store_, 1);
  Observation o = store_->GetObservation("obs-1").value();
  ASSERT_TRUE(store_->RecordAssessment("obs-1", {}, MakeAssessment("as-1", o, "ok", kT0), {}).ok());
  AssessmentRecord a = store_->GetAssessment("as-1").value();
  a.feedback = "corrected";
  a.corrected_label = "bicycle";
  a.satisfaction = 4;
  a.feedback_by = "inspector1";
  a.outcome = "finding";  // not a feedback field: must not change
  ASSERT_TRUE(store_->UpdateAssessmentFeedback(a).ok());
  auto got = store_->GetAssessment("as-1");
  EXPECT_EQ(got->feedback, "corrected");
  EXPECT_EQ(got->corrected_label, "bicycle");
  EXPECT_EQ(got->satisfaction, 4);
  EXPECT_EQ(got->feedback_by, "inspector1");
  EXPECT_EQ(got->outcome, "ok");

  AssessmentRecord ghost;
  ghost.id = "ghost";
  EXPECT_EQ(store_->UpdateAssessmentFeedback(ghost).code(), Code::kNotFound);
}

// The delivery queue: the longest-due pending run, with the attempt recorded on it in the same
// transaction (its backoff is the lease); claimers at the same moment never share a run.
TEST_P(StoreTest, ClaimNextActionRunTakesEachDueRunOnce) {
  Seeded::Seed(*store_, 1);
  Observation o = store_->GetObservation("obs-1").value();
  std::vector<ActionRunRecord> acts;
  for (int i = 0; i < 30; ++i) {
    acts.push_back(
        MakeActionRun("run-" + std::to_string(i), "as-1", "k" + std::to_string(i), kT0 + 30 - i));
  }
  acts.push_back(MakeActionRun("future", "as-1", "kf", kT0 + 1000));
  ASSERT_TRUE(
      store_->RecordAssessment("obs-1", {}, MakeAssessment("as-1", o, "finding", kT0), acts).ok());
  auto lease = [](ActionRunRecord& r) {
    r.attempts += 1;
    r.next_attempt_ms = kT0 + 500;
  };
  auto first = store_->ClaimNextActionRun(kT0 + 100, lease);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->id, "run-29") << "longest due first";
  EXPECT_EQ(store_->GetActionRun("run-29")->attempts, 1)
      << "the attempt is recorded with the claim";

  std::mutex mu;
  std::map<std::string, int> taken;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (true) {
        auto next = store_->ClaimNextActionRun(kT0 + 100, lease);
        if (!next.ok() || !next->has_value()) break;
        std::lock_guard<std::mutex> l(mu);
        ++taken[(*next)->id];
      }
    });
  }
  for (std::thread& t : workers) t.join();
  EXPECT_EQ(taken.size(), 29u);
  for (const auto& [id, n] : taken) EXPECT_EQ(n, 1) << id;
  EXPECT_FALSE(taken.count("future"));
  EXPECT_EQ((*store_->ClaimNextActionRun(kT0 + 500, lease))->attempts, 2) << "the lease ran out";
}

TEST_P(StoreTest, ClaimedActionRunsArePendingAndDueLongestWaitingFirst) {
  Seeded::Seed(*store_, 1);
  Observation o = store_->GetObservation("obs-1").value();
  std::vector<ActionRunRecord> acts = {
      MakeActionRun("late", "as-1", "k1", kT0 + 30), MakeActionRun("early", "as-1", "k2", kT0 + 10),
      MakeActionRun("future", "as-1", "k3", kT0 + 1000), MakeActionRun("done", "as-1", "k4", kT0)};
  acts[3].status = ActionStatus::kSucceeded;
  ASSERT_TRUE(
      store_->RecordAssessment("obs-1", {}, MakeAssessment("as-1", o, "finding", kT0), acts).ok());
  auto start = [](ActionRunRecord& r) {
    r.attempts += 1;
    r.next_attempt_ms = kT0 + 200;  // the attempt's lease
  };
  ActionRunRecord early = store_->ClaimNextActionRun(kT0 + 100, start)->value();
  ActionRunRecord late = store_->ClaimNextActionRun(kT0 + 100, start)->value();
  EXPECT_EQ(early.id, "early");
  EXPECT_EQ(late.id, "late");
  EXPECT_FALSE(store_->ClaimNextActionRun(kT0 + 100, start)->has_value())
      << "not the future one, not the finished one, not the claimed ones";

  // A failed attempt reschedules; a success removes it from the queue.
  early.next_attempt_ms = kT0 + 500;
  early.last_error = "HTTP 503";
  early.attempt_log.push_back({{"at", kT0 + 100}, {"status_code", 503}, {"error", "HTTP 503"}});
  early.updated_ms = kT0 + 100;
  ASSERT_TRUE(store_->UpdateActionRun(early).ok());
  late.status = ActionStatus::kSucceeded;
  ASSERT_TRUE(store_->UpdateActionRun(late).ok());
  EXPECT_FALSE(store_->ClaimNextActionRun(kT0 + 499, start)->has_value());
  ActionRunRecord again = store_->ClaimNextActionRun(kT0 + 500, start)->value();
  EXPECT_EQ(again.id, "early");
  EXPECT_EQ(again.attempts, 2);
  EXPECT_EQ(again.last_error, "HTTP 503");
  ASSERT_EQ(again.attempt_log.size(), 1u);
  EXPECT_EQ(store_->GetActionRun("early")->attempts, 2);
}

}  // namespace
}  // namespace tilsyn::store::testing
