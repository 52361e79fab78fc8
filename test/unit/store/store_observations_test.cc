// Store suite: observations, blob records and retention.
#include <map>
#include <mutex>
#include <thread>

#include "store_fixture.h"

namespace tilsyn::store::testing {
namespace {

// Helper: creates task `id` (optionally on legal hold).
void AddTask(Store& s, const std::string& id, bool legal_hold = false) {
  tasks::Task t = MakeTask(id);
  t.retention.legal_hold = legal_hold;
  ASSERT_TRUE(s.CreateTask(t).ok());
}

TEST_P(StoreTest, InsertedObservationAndBlobReadBack) {
  AddTask(*store_, "task-1");
  Observation o = MakeObservation("obs-1", "task-1", kT0);
  o.accuracy_m = 3.5;
  auto ins = store_->InsertObservation(o, MakeBlob("img-obs-1", o, kT0 + 100));
  ASSERT_TRUE(ins.ok()) << ins.status().ToString();
  EXPECT_TRUE(*ins);

  auto got = store_->GetObservation("obs-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->task_id, "task-1");
  EXPECT_EQ(got->job_id, "task-1");
  EXPECT_EQ(got->vehicle_id, "veh-1");
  EXPECT_EQ(got->captured_ms, kT0 - 1000);
  EXPECT_DOUBLE_EQ(got->lat, 55.6761);
  EXPECT_DOUBLE_EQ(got->heading_deg.value(), 90);
  EXPECT_DOUBLE_EQ(got->speed_kmh.value(), 12.5);
  EXPECT_DOUBLE_EQ(got->accuracy_m.value(), 3.5);
  EXPECT_EQ(got->blob_key, "img-obs-1");
  EXPECT_EQ(got->image_sha256, "ab12");
  EXPECT_EQ(got->anonymization, o.anonymization);
  EXPECT_EQ(got->state, ObservationState::kStored);
  EXPECT_EQ(got->received_ms, kT0);

  auto blob = store_->GetBlob("img-obs-1");
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(blob->observation_id, "obs-1");
  EXPECT_EQ(blob->task_id, "task-1");
  EXPECT_EQ(blob->size, 1234);
  EXPECT_EQ(blob->delete_after_ms, kT0 + 100);
  EXPECT_FALSE(blob->deleted_ms.has_value());
}

TEST_P(StoreTest, DuplicateObservationReturnsFalseAndChangesNothing) {
  AddTask(*store_, "task-1");
  Observation o = MakeObservation("obs-1", "task-1", kT0);
  ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img-1", o)).value());

  Observation again = o;
  again.lat = 1;
  again.error = "second upload";
  auto second = store_->InsertObservation(again, MakeBlob("img-2", again));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  EXPECT_DOUBLE_EQ(store_->GetObservation("obs-1")->lat, o.lat);
  EXPECT_EQ(store_->GetObservation("obs-1")->error, "");
  EXPECT_EQ(store_->GetBlob("img-2").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->CountBlobs()->at("kept"), 1);
}

TEST_P(StoreTest, ObservationWithTakenBlobKeyIsRejectedWhole) {
  AddTask(*store_, "task-1");
  Observation a = MakeObservation("obs-a", "task-1", kT0);
  ASSERT_TRUE(store_->InsertObservation(a, MakeBlob("img", a)).value());
  Observation b = MakeObservation("obs-b", "task-1", kT0);
  EXPECT_EQ(store_->InsertObservation(b, MakeBlob("img", b)).status().code(), Code::kAlreadyExists);
  EXPECT_EQ(store_->GetObservation("obs-b").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, ObservationOfUnknownTaskIsNotFound) {
  Observation o = MakeObservation("obs-1", "no-task", kT0);
  EXPECT_EQ(store_->InsertObservation(o, MakeBlob("img", o)).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->GetObservation("obs-1").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, UpdateObservationChangesStateAndError) {
  AddTask(*store_, "task-1");
  Observation o = MakeObservation("obs-1", "task-1", kT0);
  ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img", o)).value());
  o.state = ObservationState::kFailed;
  o.error = "no recognizer";
  o.attempts = 3;
  o.updated_ms = kT0 + 50;
  o.anonymization["server"] = {{"faces", 0}};
  ASSERT_TRUE(store_->UpdateObservation(o).ok());
  auto got = store_->GetObservation("obs-1");
  EXPECT_EQ(got->state, ObservationState::kFailed);
  EXPECT_EQ(got->error, "no recognizer");
  EXPECT_EQ(got->attempts, 3);
  EXPECT_EQ(got->updated_ms, kT0 + 50);
  EXPECT_EQ(got->anonymization["server"]["faces"], 0);

  Observation ghost = MakeObservation("ghost", "task-1", kT0);
  EXPECT_EQ(store_->UpdateObservation(ghost).code(), Code::kNotFound);
}

TEST_P(StoreTest, ObservationsInStateAreOldestFirstAndLimited) {
  AddTask(*store_, "task-1");
  for (int i : {3, 1, 2, 0}) {
    Observation o = MakeObservation("obs-" + std::to_string(i), "task-1", kT0 + i);
    if (i == 2) o.state = ObservationState::kFailed;
    ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img-" + std::to_string(i), o)).value());
  }
  auto stored = store_->ObservationsInState(ObservationState::kStored, 10);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 3u);
  EXPECT_EQ((*stored)[0].id, "obs-0");
  EXPECT_EQ((*stored)[1].id, "obs-1");
  EXPECT_EQ((*stored)[2].id, "obs-3");
  EXPECT_EQ(store_->ObservationsInState(ObservationState::kStored, 2)->size(), 2u);

  auto counts = store_->CountObservationsByState();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at("stored"), 3);
  EXPECT_EQ(counts->at("failed"), 1);
  EXPECT_EQ(counts->at("assessed"), 0);
  EXPECT_EQ(counts->at("done"), 0);
}

// Leases: a claimed observation is no one else's work until its lease ends; a worker gives its
// lease up after a failed step with the retry delay as its end (a worker cannot give up
// another's lease); a restarted worker gives its old leases back; a finished observation is no
// one's work.
TEST_P(StoreTest, AnObservationIsLeasedToOneWorkerAtATime) {
  AddTask(*store_, "task-1");
  Observation o = MakeObservation("obs-1", "task-1", kT0);
  ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img-1", o)).value());
  auto next = [&](const std::string& worker, TimeMs now) {
    auto r = store_->ClaimNextObservation(worker, now, now + 100);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && r->has_value();
  };
  EXPECT_TRUE(next("w1", kT0));
  EXPECT_FALSE(next("w2", kT0 + 50));
  EXPECT_FALSE(next("w1", kT0 + 60)) << "its own lease is not a worker's next work";
  EXPECT_TRUE(next("w2", kT0 + 100)) << "expired";
  ASSERT_TRUE(store_->ReleaseObservation("obs-1", "w1", kT0).ok());  // not w1's any more
  EXPECT_FALSE(next("w1", kT0 + 150));
  ASSERT_TRUE(store_->ReleaseObservation("obs-1", "w2", kT0 + 175).ok());
  EXPECT_FALSE(next("w1", kT0 + 174)) << "before the retry delay";
  EXPECT_TRUE(next("w1", kT0 + 175));
  ASSERT_TRUE(store_->ReleaseLeasesOf("w1").ok());
  EXPECT_TRUE(next("w1", kT0 + 176)) << "a restarted worker's old lease went back";
  o.state = ObservationState::kDone;
  ASSERT_TRUE(store_->UpdateObservation(o).ok());
  EXPECT_FALSE(next("w2", kT0 + 10'000));
}

// The queue: the oldest waiting observation nobody holds, leased to the claimer; received ones
// (awaiting the anonymization pass) are work too; finished ones and others' leases are not.
TEST_P(StoreTest, ClaimNextTakesTheOldestWaitingObservationNobodyHolds) {
  AddTask(*store_, "task-1");
  auto add = [&](const std::string& id, TimeMs received, ObservationState state) {
    Observation o = MakeObservation(id, "task-1", kT0);
    o.received_ms = received;
    o.state = state;
    ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img-" + id, o)).value());
  };
  add("c-done", kT0, ObservationState::kDone);
  add("b-received", kT0 + 1, ObservationState::kReceived);
  add("a-stored", kT0 + 2, ObservationState::kStored);
  auto first = store_->ClaimNextObservation("w1", kT0 + 10, kT0 + 1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->id, "b-received");
  auto second = store_->ClaimNextObservation("w2", kT0 + 10, kT0 + 1000);
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->id, "a-stored");
  EXPECT_FALSE(store_->ClaimNextObservation("w3", kT0 + 10, kT0 + 1000)->has_value());
  EXPECT_EQ((*store_->ClaimNextObservation("w3", kT0 + 1000, kT0 + 2000))->id, "b-received")
      << "an expired lease anybody takes, oldest first";
}

// Claimers at the same moment never get the same observation (on PostgreSQL each skips the rows
// the others are claiming).
TEST_P(StoreTest, ConcurrentClaimersNeverShareAnObservation) {
  AddTask(*store_, "task-1");
  constexpr int kObservations = 40;
  for (int i = 0; i < kObservations; ++i) {
    Observation o = MakeObservation("obs-" + std::to_string(i), "task-1", kT0);
    o.received_ms = kT0 + i;
    ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img-" + std::to_string(i), o)).value());
  }
  std::mutex mu;
  std::map<std::string, int> taken;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      while (true) {
        auto next = store_->ClaimNextObservation("w" + std::to_string(w), kT0, kT0 + 60'000);
        if (!next.ok() || !next->has_value()) break;
        std::lock_guard<std::mutex> lock(mu);
        ++taken[(*next)->id];
      }
    });
  }
  for (std::thread& t : workers) t.join();
  EXPECT_EQ(taken.size(), static_cast<size_t>(kObservations));
  for (const auto& [id, n] : taken) EXPECT_EQ(n, 1) << id;
}

// The anonymization pass is recorded once: received → stored with the new hash, report and size.
TEST_P(StoreTest, TheServerAnonymizationPassIsRecordedOnce) {
  AddTask(*store_, "task-1");
  Observation o = MakeObservation("obs-1", "task-1", kT0);
  o.state = ObservationState::kReceived;
  o.anonymization = {{"vehicle", {{"counts", {{"face", 1}}}}}, {"server", nullptr}};
  ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img-1", o)).value());
  EXPECT_TRUE(AwaitsServerAnonymization(*store_->GetObservation("obs-1")));
  o.image_sha256 = "abc";
  o.anonymization["server"] = {{"counts", {{"face", 2}}}};
  o.updated_ms = kT0 + 5;
  ASSERT_TRUE(store_->RecordServerAnonymization(o, 1234).ok());
  Observation got = *store_->GetObservation("obs-1");
  EXPECT_EQ(got.state, ObservationState::kStored);
  EXPECT_EQ(got.image_sha256, "abc");
  EXPECT_EQ(got.anonymization["server"]["counts"]["face"], 2);
  EXPECT_FALSE(AwaitsServerAnonymization(got));
  EXPECT_EQ(store_->GetBlob("img-1")->size, 1234);
  EXPECT_EQ(store_->RecordServerAnonymization(o, 1).field(), "state");
}

TEST_P(StoreTest, BlobDeadlineCanBeSetUntilDeleted) {
  AddTask(*store_, "task-1");
  Observation o = MakeObservation("obs-1", "task-1", kT0);
  ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img-1", o)).value());
  EXPECT_FALSE(store_->GetBlob("img-1")->delete_after_ms.has_value());
  ASSERT_TRUE(store_->SetBlobDeadline("img-1", kT0 + 500).ok());
  EXPECT_EQ(store_->GetBlob("img-1")->delete_after_ms, kT0 + 500);
  ASSERT_TRUE(store_->MarkBlobDeleted("img-1", kT0 + 600, "retention").ok());
  EXPECT_EQ(store_->SetBlobDeadline("img-1", kT0 + 900).code(), Code::kFailedPrecondition);
  EXPECT_EQ(store_->SetBlobDeadline("nope", kT0).code(), Code::kNotFound);
  EXPECT_EQ(store_->GetBlob("nope").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, MarkBlobDeletedClearsObservationKeyAndKeepsFirstRecord) {
  AddTask(*store_, "task-1");
  Observation o = MakeObservation("obs-1", "task-1", kT0);
  ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img-obs-1", o, kT0 + 10)).value());
  ASSERT_TRUE(store_->MarkBlobDeleted("img-obs-1", kT0 + 20, "no_finding").ok());
  auto blob = store_->GetBlob("img-obs-1");
  EXPECT_EQ(blob->deleted_ms, kT0 + 20);
  EXPECT_EQ(blob->deleted_reason, "no_finding");
  EXPECT_EQ(store_->GetObservation("obs-1")->blob_key, "");

  ASSERT_TRUE(store_->MarkBlobDeleted("img-obs-1", kT0 + 99, "retention").ok());
  EXPECT_EQ(store_->GetBlob("img-obs-1")->deleted_ms, kT0 + 20);
  EXPECT_EQ(store_->GetBlob("img-obs-1")->deleted_reason, "no_finding");
  EXPECT_EQ(store_->MarkBlobDeleted("nope", kT0, "x").code(), Code::kNotFound);

  auto counts = store_->CountBlobs();
  EXPECT_EQ(counts->at("kept"), 0);
  EXPECT_EQ(counts->at("deleted"), 1);
}

// The sweeper's claim: due images nobody holds, held until the lease ends; sweepers at the same
// moment never share one; a deleted image is no one's work any more.
TEST_P(StoreTest, ClaimDueBlobsHoldsEachDueImageForOneSweeper) {
  AddTask(*store_, "task-1");
  constexpr int kImages = 24;
  for (int i = 0; i < kImages; ++i) {
    Observation o = MakeObservation("obs-" + std::to_string(i), "task-1", kT0);
    o.state = ObservationState::kDone;
    ASSERT_TRUE(
        store_->InsertObservation(o, MakeBlob("img-" + std::to_string(i), o, kT0 + i)).value());
  }
  std::mutex mu;
  std::map<std::string, int> taken;
  std::vector<std::thread> sweepers;
  for (int w = 0; w < 4; ++w) {
    sweepers.emplace_back([&] {
      while (true) {
        auto batch = store_->ClaimDueBlobs(kT0 + 100, kT0 + 1000, 5);
        if (!batch.ok() || batch->empty()) break;
        std::lock_guard<std::mutex> l(mu);
        for (const BlobRecord& b : *batch) ++taken[b.key];
      }
    });
  }
  for (std::thread& t : sweepers) t.join();
  EXPECT_EQ(taken.size(), static_cast<size_t>(kImages));
  for (const auto& [key, n] : taken) EXPECT_EQ(n, 1) << key;
  EXPECT_TRUE(store_->ClaimDueBlobs(kT0 + 999, kT0 + 2000, 50)->empty()) << "still held";
  ASSERT_TRUE(store_->MarkBlobDeleted("img-0", kT0 + 200, "retention").ok());
  auto again = store_->ClaimDueBlobs(kT0 + 1000, kT0 + 2000, 50);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->size(), static_cast<size_t>(kImages - 1)) << "a lease that ran out";
  EXPECT_EQ(again->front().key, "img-1");
}

// (Claims whose lease ends at once, so each call sees the same images.)
TEST_P(StoreTest, DueBlobsRespectDeadlineDeletionAndLegalHold) {
  AddTask(*store_, "free");
  AddTask(*store_, "held", /*legal_hold=*/true);
  auto add = [&](const std::string& id, const std::string& task, std::optional<TimeMs> due,
                 ObservationState state = ObservationState::kDone) {
    Observation o = MakeObservation(id, task, kT0);
    ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img-" + id, o, due)).value());
    o.state = state;
    ASSERT_TRUE(store_->UpdateObservation(o).ok());
  };
  add("late", "free", kT0 + 20);
  add("early", "free", kT0 + 10);
  add("future", "free", kT0 + 1000);
  add("nodeadline", "free", std::nullopt);
  add("held", "held", kT0 + 5);
  add("gone", "free", kT0 + 1);
  // Never the image of an observation still waiting to be assessed (a late upload).
  add("waiting", "free", kT0 + 3, ObservationState::kStored);
  // … nor of one whose assessment is recorded but whose retention is not decided yet (another
  // thread's sweep must not take the evidence of a finding being kept).
  add("assessing", "free", kT0 + 4, ObservationState::kAssessed);
  ASSERT_TRUE(store_->MarkBlobDeleted("img-gone", kT0 + 2, "retention").ok());

  EXPECT_EQ(store_->ClaimDueBlobs(kT0 + 20, kT0 + 20, 10)->size(), 2u);  // deadline is inclusive
  auto due = store_->ClaimDueBlobs(kT0 + 100, kT0 + 100, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].key, "img-early");
  EXPECT_EQ((*due)[1].key, "img-late");
  EXPECT_EQ(store_->ClaimDueBlobs(kT0 + 100, kT0 + 100, 1)->size(), 1u);

  // Lifting the legal hold (an update of the task) makes its blob due.
  tasks::Task held = store_->GetTask("held").value();
  held.retention.legal_hold = false;
  ASSERT_TRUE(store_->UpdateTask(held, std::nullopt).ok());
  auto after = store_->ClaimDueBlobs(kT0 + 100, kT0 + 100, 10);
  ASSERT_EQ(after->size(), 3u);
  EXPECT_EQ((*after)[0].key, "img-held");

  // And putting it back on hold stops it again.
  held.retention.legal_hold = true;
  ASSERT_TRUE(store_->UpdateTask(held, std::nullopt).ok());
  EXPECT_EQ(store_->ClaimDueBlobs(kT0 + 100, kT0 + 100, 10)->size(), 2u);
}

}  // namespace
}  // namespace tilsyn::store::testing
