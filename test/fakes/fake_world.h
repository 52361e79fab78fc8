// Test fixtures for the processing chain: an active task around a point in Copenhagen, a vehicle,
// an observation with its blob record, and an assessment with action runs, written to a real
// Store. Header-only (inline) so the fakes library needs no extra module dependencies.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/ids.h"
#include "store/store.h"
#include "tasks/planner.h"
#include "tasks/task.h"

namespace tilsyn::testing {

inline constexpr geo::LatLon kSite{55.6761, 12.5683};

// An active presence task for "person" (min_confidence 0.6), a 50 m circle around kSite, valid
// from a day before `now` to 30 days after, any time of day; one log action on every outcome.
inline tasks::Task ActiveTask(TimeMs now) {
  tasks::Task t;
  t.id = NewUuid();
  t.title = "Person at the bench";
  t.unit = "TMF";
  t.owner = "inspector";
  t.kind = tasks::TaskKind::kPresence;
  t.targets = {{"person", 0.6}};
  t.area = geo::Geofence::Circle(kSite, 50);
  t.schedule.valid_from = now - 86'400'000;
  t.schedule.valid_to = now + 30LL * 86'400'000;
  tasks::ActionSpec log;
  log.type = "log";
  log.on = {tasks::Outcome::kOk, tasks::Outcome::kFinding, tasks::Outcome::kInconclusive};
  t.actions = {log};
  t.retention.evidence_days = 30;
  t.status = tasks::TaskStatus::kActive;
  t.created_ms = t.updated_ms = now;
  return t;
}

// Creates the task and its capture job (via UpdateTask) in `store`.
inline void CreateTaskWithJob(store::Store* store, const tasks::Task& task) {
  ASSERT_TRUE(store->CreateTask(task).ok());
  ASSERT_TRUE(store->UpdateTask(task, tasks::PlanJob(task)).ok());
}

inline store::Vehicle MakeVehicle(store::Store* store, TimeMs now) {
  store::Vehicle v;
  v.id = NewUuid();
  v.name = "sweeper-1";
  v.created_ms = now;
  EXPECT_TRUE(store->CreateVehicle(v).ok());
  return v;
}

// Inserts an observation of `task` in `state` with a blob record for key `<id>.jpg` (`id`: a new
// UUID when empty).
inline store::Observation InsertObservation(
    store::Store* store, const tasks::Task& task, const std::string& vehicle_id, TimeMs now,
    store::ObservationState state = store::ObservationState::kStored, const std::string& id = "") {
  store::Observation o;
  o.id = id.empty() ? NewUuid() : id;
  o.task_id = task.id;
  o.job_id = task.id;
  o.vehicle_id = vehicle_id;
  o.captured_ms = now;
  o.lat = kSite.lat;
  o.lon = kSite.lon;
  o.blob_key = o.id + ".jpg";
  o.state = state;
  o.received_ms = o.updated_ms = now;
  store::BlobRecord b;
  b.key = o.blob_key;
  b.observation_id = o.id;
  b.task_id = task.id;
  b.size = 1;
  b.created_ms = now;
  b.delete_after_ms = now + 30LL * 86'400'000;
  auto r = store->InsertObservation(o, b);
  EXPECT_TRUE(r.ok() && *r) << r.status().ToString();
  return o;
}

}  // namespace tilsyn::testing
