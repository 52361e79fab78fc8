// The Store's privacy methods on every backend: the audit trail (append, chain, filters, the
// change-and-audit transaction), refusals and the processing record.
#include <gtest/gtest.h>

#include "store/audit_chain.h"
#include "store_fixture.h"

namespace tilsyn::store::testing {
namespace {

AuditEvent Event(const std::string& action, const std::string& object_id, TimeMs at) {
  AuditEvent e;
  e.at = at;
  e.user = "ines";
  e.role = "inspector";
  e.action = action;
  e.object_type = "image";
  e.object_id = object_id;
  e.purpose = "case 17";
  e.details = {{"n", 1}};
  return e;
}

TEST_P(StoreTest, AuditAppendAssignsSeqAndChainsHashes) {
  auto a = store_->AppendAudit(Event("image.view", "o1", kT0));
  auto b = store_->AppendAudit(Event("image.export", "o2", kT0 + 1));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->seq, 1);
  EXPECT_EQ(b->seq, 2);
  EXPECT_EQ(a->prev_hash, kAuditGenesisHash);
  EXPECT_EQ(b->prev_hash, a->hash);
  EXPECT_EQ(a->hash, AuditHash(*a));
  auto all = store_->ListAudit({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].hash, b->hash);
  EXPECT_EQ((*all)[0].details, Json({{"n", 1}}));
  EXPECT_TRUE(VerifyAuditChain(*all).ok);
}

TEST_P(StoreTest, AuditSurvivesReopenAndKeepsChaining) {
  ASSERT_TRUE(store_->AppendAudit(Event("image.view", "o1", kT0)).ok());
  Reopen();
  auto b = store_->AppendAudit(Event("image.view", "o2", kT0));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->seq, 2);
  EXPECT_TRUE(VerifyAuditChain(store_->ListAudit({}).value()).ok);
}

TEST_P(StoreTest, AuditListFilters) {
  ASSERT_TRUE(store_->AppendAudit(Event("image.view", "o1", kT0)).ok());
  ASSERT_TRUE(store_->AppendAudit(Event("image.delete", "o1", kT0 + 10)).ok());
  ASSERT_TRUE(store_->AppendAudit(Event("image.view", "o2", kT0 + 20)).ok());
  AuditFilter f;
  f.action = "image.view";
  EXPECT_EQ(store_->ListAudit(f)->size(), 2u);
  f = {};
  f.object_id = "o1";
  EXPECT_EQ(store_->ListAudit(f)->size(), 2u);
  f = {};
  f.from_ms = kT0 + 10;
  f.to_ms = kT0 + 20;
  ASSERT_EQ(store_->ListAudit(f)->size(), 1u);
  f = {};
  f.after_seq = 1;
  f.limit = 1;
  auto page = store_->ListAudit(f);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].seq, 2);
}

TEST_P(StoreTest, WithAuditCommitsChangeAndEventTogether) {
  tasks::Task t = MakeTask("t1");
  Status s = store_->WithAudit(Event("task.create", "t1", kT0),
                               [&](Store& st) { return st.CreateTask(t); });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(store_->GetTask("t1").ok());
  EXPECT_EQ(store_->ListAudit({})->size(), 1u);
}

TEST_P(StoreTest, WithAuditRollsBackBothWhenTheChangeFails) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("t1")).ok());
  // Creating the same task again fails: neither the change nor the event may remain.
  Status s = store_->WithAudit(Event("task.create", "t1", kT0),
                               [&](Store& st) { return st.CreateTask(MakeTask("t1")); });
  EXPECT_EQ(s.code(), Code::kAlreadyExists);
  EXPECT_TRUE(store_->ListAudit({})->empty());
  // And an event whose append fails (empty action) undoes the change.
  s = store_->WithAudit(Event("", "t2", kT0),
                        [&](Store& st) { return st.CreateTask(MakeTask("t2")); });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(store_->GetTask("t2").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, ProcessingRecordAggregatesPerPurpose) {
  tasks::Task t = MakeTask("t1");  // kind presence
  ASSERT_TRUE(store_->CreateTask(t).ok());
  ASSERT_TRUE(store_->UpdateTask(t, MakeJob(t)).ok());
  constexpr TimeMs kDay = 86'400'000;
  Observation o1 = MakeObservation("o1", "t1", kT0);
  o1.captured_ms = kT0;
  o1.anonymization = {{"vehicle", {{"counts", {{"face", 2}}}}},
                      {"server", {{"counts", {{"face", 1}, {"plate", 1}}}}}};
  Observation o2 = MakeObservation("o2", "t1", kT0);
  o2.captured_ms = kT0;
  ASSERT_TRUE(store_->InsertObservation(o1, MakeBlob("o1.jpg", o1, kT0 + 30 * kDay)).ok());
  ASSERT_TRUE(store_->InsertObservation(o2, MakeBlob("o2.jpg", o2, kT0 + 30 * kDay)).ok());
  ASSERT_TRUE(store_->MarkBlobDeleted("o2.jpg", kT0 + 1000, "no_finding").ok());
  AssessmentRecord a = MakeAssessment("a1", o1, "finding", kT0 + 10);
  ASSERT_TRUE(
      store_->RecordAssessment("o1", {MakeRun("o1", "hog_person", 0, kT0, 5, true)}, a, {}).ok());
  RefusalRecord r;
  r.at = kT0;
  r.vehicle_id = "v1";
  r.job_id = MakeJob(t).id;
  r.task_id = "t1";
  r.reason = "outside the geofence";
  r.field = "lat";
  ASSERT_TRUE(store_->RecordRefusal(r).ok());
  r.task_id = "";
  r.reason = "no such capture job";
  r.field = "job_id";
  ASSERT_TRUE(store_->RecordRefusal(r).ok());

  auto rec = store_->ProcessingRecord();
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  ASSERT_EQ(rec->size(), 2u);
  const PurposeRecord& p = (*rec)[0];
  EXPECT_EQ(p.purpose, "presence");
  EXPECT_EQ(p.tasks, 1);
  EXPECT_EQ(p.observations, 2);
  EXPECT_EQ(p.anonymized_vehicle.at("face"), 2);
  EXPECT_EQ(p.anonymized_server.at("plate"), 1);
  EXPECT_EQ(p.images_kept, 1);
  EXPECT_EQ(p.images_deleted, 1);
  EXPECT_EQ(p.retention_max_ms, 30 * kDay);
  EXPECT_DOUBLE_EQ(p.retention_mean_ms, (30.0 * kDay + 1000) / 2);
  EXPECT_EQ(p.services.at("hog_person"), 1);
  EXPECT_EQ(p.refusals.at("lat: outside the geofence"), 1);
  EXPECT_EQ((*rec)[1].purpose, "unknown");
  EXPECT_EQ((*rec)[1].refusals.at("job_id: no such capture job"), 1);
}

TEST_P(StoreTest, RecordFactsAreKeptInVersions) {
  EXPECT_FALSE(store_->CurrentRecordFacts()->has_value());
  ASSERT_EQ(store_->PutRecordFacts({0, R"({"controller":"A"})", kT0, "dora"}).value(), 1);
  ASSERT_EQ(store_->PutRecordFacts({0, R"({"controller":"B"})", kT0 + 1, "dora"}).value(), 2);
  auto now = store_->CurrentRecordFacts();
  ASSERT_TRUE(now.ok() && now->has_value());
  EXPECT_EQ((*now)->version, 2);
  EXPECT_EQ((*now)->json, R"({"controller":"B"})");
  EXPECT_EQ((*now)->created_by, "dora");
  // The agent settings are a separate series.
  EXPECT_FALSE(store_->CurrentAgentSettings()->has_value());
}

}  // namespace
}  // namespace tilsyn::store::testing
