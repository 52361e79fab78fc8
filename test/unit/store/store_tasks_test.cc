// Store suite: tasks and capture jobs.
#include "store_fixture.h"

namespace tilsyn::store::testing {
namespace {

using tasks::TaskStatus;

TEST_P(StoreTest, CreatedTaskReadsBackWithServerFieldsAndSecrets) {
  tasks::Task t = MakeTask("task-1");
  t.status = TaskStatus::kPaused;
  t.revision = 7;
  t.owner = "alice";
  t.created_ms = kT0 + 5;
  t.updated_ms = kT0 + 9;
  t.retention.legal_hold = true;
  t.heading_deg = 180;
  ASSERT_TRUE(store_->CreateTask(t).ok());

  auto got = store_->GetTask("task-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, "task-1");
  EXPECT_EQ(got->title, t.title);
  EXPECT_EQ(got->status, TaskStatus::kPaused);
  EXPECT_EQ(got->revision, 7);
  EXPECT_EQ(got->owner, "alice");
  EXPECT_EQ(got->created_ms, kT0 + 5);
  EXPECT_EQ(got->updated_ms, kT0 + 9);
  EXPECT_TRUE(got->retention.legal_hold);
  ASSERT_TRUE(got->heading_deg.has_value());
  EXPECT_DOUBLE_EQ(*got->heading_deg, 180);
  ASSERT_EQ(got->targets.size(), 1u);
  EXPECT_EQ(got->targets[0].label, "container");
  ASSERT_EQ(got->actions.size(), 1u);
  EXPECT_EQ(got->actions[0].secret, "s3cret");  // storage keeps webhook secrets
  EXPECT_EQ(got->schedule.valid_to, t.schedule.valid_to);
}

TEST_P(StoreTest, CreateTaskWithExistingIdIsAlreadyExists) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("task-1")).ok());
  tasks::Task again = MakeTask("task-1");
  again.title = "other";
  EXPECT_EQ(store_->CreateTask(again).code(), Code::kAlreadyExists);
  EXPECT_EQ(store_->GetTask("task-1")->title, MakeTask("task-1").title);
}

TEST_P(StoreTest, UnknownTaskIsNotFound) {
  EXPECT_EQ(store_->GetTask("nope").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->UpdateTask(MakeTask("nope"), std::nullopt).code(), Code::kNotFound);
  EXPECT_EQ(store_->GetJob("nope").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, ListTasksFiltersAndPages) {
  for (int i = 0; i < 5; ++i) {
    tasks::Task t = MakeTask("task-" + std::to_string(i),
                             i % 2 == 0 ? TaskStatus::kActive : TaskStatus::kDraft);
    t.created_ms = kT0 + i;
    if (i == 4) t.unit = "parks";
    if (i == 2) t.kind = tasks::TaskKind::kCount;
    ASSERT_TRUE(store_->CreateTask(t).ok());
  }
  auto all = store_->ListTasks({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0].id, "task-4");  // newest first
  EXPECT_EQ((*all)[4].id, "task-0");

  TaskFilter active;
  active.statuses = {TaskStatus::kActive};
  EXPECT_EQ(store_->ListTasks(active)->size(), 3u);
  TaskFilter either;
  either.statuses = {TaskStatus::kActive, TaskStatus::kDraft};
  EXPECT_EQ(store_->ListTasks(either)->size(), 5u);
  TaskFilter none;
  none.statuses = {TaskStatus::kCompleted, TaskStatus::kCancelled};
  EXPECT_TRUE(store_->ListTasks(none)->empty());

  TaskFilter parks;
  parks.unit = "parks";
  ASSERT_EQ(store_->ListTasks(parks)->size(), 1u);
  EXPECT_EQ(store_->ListTasks(parks)->at(0).id, "task-4");

  TaskFilter count;
  count.kind = tasks::TaskKind::kCount;
  ASSERT_EQ(store_->ListTasks(count)->size(), 1u);
  EXPECT_EQ(store_->ListTasks(count)->at(0).id, "task-2");

  TaskFilter page;
  page.limit = 2;
  page.offset = 1;
  auto p = store_->ListTasks(page);
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].id, "task-3");
  EXPECT_EQ((*p)[1].id, "task-2");
}

TEST_P(StoreTest, UpdateTaskReplacesFieldsButKeepsCreationTime) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("task-1")).ok());
  tasks::Task t = MakeTask("task-1", TaskStatus::kCompleted);
  t.title = "renamed";
  t.revision = 2;
  t.updated_ms = kT0 + 100;
  t.created_ms = kT0 + 999;
  ASSERT_TRUE(store_->UpdateTask(t, std::nullopt).ok());
  auto got = store_->GetTask("task-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->title, "renamed");
  EXPECT_EQ(got->status, TaskStatus::kCompleted);
  EXPECT_EQ(got->revision, 2);
  EXPECT_EQ(got->updated_ms, kT0 + 100);
  EXPECT_EQ(got->created_ms, kT0);
  EXPECT_EQ(store_->CurrentJobVersion().value(), 0);  // no job given, none stored
}

TEST_P(StoreTest, JobVersionsIncreaseAndJobsSinceReturnsDeltas) {
  EXPECT_EQ(store_->CurrentJobVersion().value(), 0);
  tasks::Task a = MakeTask("task-a");
  tasks::Task b = MakeTask("task-b");
  ASSERT_TRUE(store_->CreateTask(a).ok());
  ASSERT_TRUE(store_->CreateTask(b).ok());

  ASSERT_TRUE(store_->UpdateTask(a, MakeJob(a)).ok());
  ASSERT_TRUE(store_->UpdateTask(b, MakeJob(b)).ok());
  EXPECT_EQ(store_->CurrentJobVersion().value(), 2);
  auto all = store_->JobsSince(0);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "task-a");
  EXPECT_EQ((*all)[0].version, 1);
  EXPECT_EQ((*all)[1].id, "task-b");
  EXPECT_EQ((*all)[1].version, 2);

  // Deactivating task a moves its job past b's, so an agent at version 2 sees only that change.
  a.status = TaskStatus::kPaused;
  ASSERT_TRUE(store_->UpdateTask(a, MakeJob(a, /*active=*/false)).ok());
  EXPECT_EQ(store_->CurrentJobVersion().value(), 3);
  auto delta = store_->JobsSince(2);
  ASSERT_TRUE(delta.ok());
  ASSERT_EQ(delta->size(), 1u);
  EXPECT_EQ((*delta)[0].id, "task-a");
  EXPECT_EQ((*delta)[0].version, 3);
  EXPECT_FALSE((*delta)[0].active);  // inactive jobs are included so agents drop them
  EXPECT_TRUE(store_->JobsSince(3)->empty());

  auto job = store_->GetJob("task-b");
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->task_id, "task-b");
  EXPECT_TRUE(job->active);
  EXPECT_EQ(job->version, 2);
  ASSERT_EQ(job->targets.size(), 1u);
  EXPECT_EQ(job->targets[0], "container");
}

TEST_P(StoreTest, UpdateOfUnknownTaskStoresNoJob) {
  tasks::Task ghost = MakeTask("ghost");
  EXPECT_EQ(store_->UpdateTask(ghost, MakeJob(ghost)).code(), Code::kNotFound);
  EXPECT_EQ(store_->CurrentJobVersion().value(), 0);
  EXPECT_TRUE(store_->JobsSince(0)->empty());
}

TEST_P(StoreTest, DataSurvivesReopen) {
  tasks::Task t = MakeTask("task-1");
  ASSERT_TRUE(store_->CreateTask(t).ok());
  ASSERT_TRUE(store_->UpdateTask(t, MakeJob(t)).ok());
  ASSERT_TRUE(store_->CreateVehicle(MakeVehicle("veh-1", "Sweeper 1")).ok());
  Observation o = MakeObservation("obs-1", "task-1", kT0);
  ASSERT_TRUE(store_->InsertObservation(o, MakeBlob("img-obs-1", o, kT0 + 10)).value());
  Reopen();
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(store_->GetTask("task-1").ok());
  EXPECT_EQ(store_->CurrentJobVersion().value(), 1);
  EXPECT_TRUE(store_->GetVehicle("veh-1").ok());
  EXPECT_TRUE(store_->GetObservation("obs-1").ok());
  EXPECT_EQ(store_->GetBlob("img-obs-1")->delete_after_ms, kT0 + 10);
}

}  // namespace
}  // namespace tilsyn::store::testing
