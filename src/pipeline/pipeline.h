// Pipeline: one observation's way after ingest — recognize (with fallback) → rule → assessment →
// action runs → image retention (delete right away when there is no finding and the task keeps
// no documentation) — plus the background loops: action dispatch and the retention sweeper.
// All state is in the store, so a restarted server resumes every unfinished observation: the
// assessment loop takes the queue's next waiting one with a lease (ClaimNextObservation; FOR
// UPDATE SKIP LOCKED on PostgreSQL), so any number of threads and worker processes share it
// without doing anything twice. An upload still in the encrypted quarantine (kReceived) gets the
// server's anonymization pass first (UseServerAnonymizer). Start() runs the loops on their own
// threads — assessment (assess_threads), action delivery (action_threads), retention (one) — so a
// slow receiver or a long sweep never delays an assessment; Notify() wakes them; Stop() lets
// each finish the step in hand (an observation, a delivery) and claims nothing more.
// Retention: without a finding the image is deleted once assessed, unless the task keeps
// non-findings as documentation or is under legal hold; kept images get now + evidence_days.
// A failed recognition is retried on later passes (RetryPolicy: 1 s, 2 s, 4 s … up to 30 s
// apart). A transient failure (every service down or timing out, breakers open) never ends the
// observation: it waits until a service answers. Other errors make it kFailed with its error
// after retry.max_attempts; undecodable or missing images fail at once. RetryFailed() puts a
// failed observation back in the queue (an operator's decision). Process and AssessPending are
// meant for the assessment thread (or a test), DispatchActions for the action thread,
// SweepRetention for the retention thread; RunOnce runs one pass of each in turn (tests).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "actions/action.h"
#include "core/clock.h"
#include "core/retry_policy.h"
#include "pipeline/server_anonymizer.h"
#include "recognition/recognizer.h"
#include "store/blob_store.h"
#include "store/store.h"
#include "tasks/permit.h"

namespace tilsyn::pipeline {

struct PipelineOptions {
  int poll_ms = 500;  // idle wait between passes
  // How often a case opened in a case system (Open311) is asked for its status.
  int64_t follow_up_every_ms = 15 * 60'000;
  RetryPolicy retry;  // when a failed recognition is tried again, and when it stops
  // This worker's name on the database's leases (stable across restarts, distinct per worker
  // process), and how long a lease on an observation lasts: a worker killed mid-step releases
  // its observation when the lease runs out.
  // Assessment thread i > 0 leases as "<worker>#<i>".
  std::string worker = "local";
  int64_t lease_ms = 5 * 60'000;
  // Threads per loop (the retention loop has one): each assessment thread takes whole
  // observations (anonymization pass, recognition, rule); each action thread whole deliveries.
  int assess_threads = 1;
  int action_threads = 1;
  // Location data (docs/privacy.md): an observation's position, heading, speed and vehicle are
  // erased this many days after capture once its image is gone (no legal hold), and a vehicle's
  // last known position once it has been silent that long; 0 = kept.
  int location_retention_days = 0;
  // More location data to sweep on the same schedule (the server deletes GPS history days past
  // their retention); returns how many items went. May be empty.
  std::function<Result<int>(TimeMs now)> sweep_more_locations;
  // A check on the retention loop, at most every check_visits_every_ms: the server queues the
  // actions of sites nobody visits (server/unvisited_actions.h) and returns how many runs it
  // queued (the action loop is woken for them). May be empty.
  std::function<Result<int>(TimeMs now)> check_visits;
  int64_t check_visits_every_ms = 10 * 60'000;
  // Test hook: stop after this many observations have been assessed (crash simulation). <0 = off.
  int crash_after_assessments_for_test = -1;
};

class Pipeline {
 public:
  Pipeline(store::Store* store, store::BlobStore* blobs, recognition::Recognizer* recognizer,
           actions::Dispatcher* dispatcher, Clock* clock, PipelineOptions options);
  ~Pipeline();

  // The server's anonymization pass for uploads in the quarantine (kReceived). Without it such
  // observations wait (a transient error), never skipping the pass. Set before Start().
  void UseServerAnonymizer(ServerAnonymizer::Factory anonymizers);

  // Takes one observation from kReceived/kStored/kAssessed to kDone (or kFailed). Idempotent.
  Status Process(const std::string& observation_id);
  // Claims and processes waiting observations (those due for another try) until none is left or
  // a batch is done. Returns how many were processed.
  Result<int> AssessPending();
  // Due action runs (and, at most once a minute, open cases' status). Returns runs delivered.
  Result<int> DispatchActions();
  // One pass of each loop: pending observations, due actions, due deletions. Returns work done.
  Result<int> RunOnce();
  // Deletes images whose deadline passed (no legal hold), then erases locations past their
  // retention (SweepLocations) and runs check_visits when due; returns how many of all.
  Result<int> SweepRetention();
  // Erases the locations of observations captured more than location_retention_days ago, at
  // most one batch every ten minutes (sooner while batches come full), and the last known
  // positions of vehicles neither seen nor heard from for that long; returns how many of both.
  Result<int> SweepLocations();

  void Start();
  // A graceful stop (SIGTERM): no loop claims anything more; each finishes the step in hand (an
  // observation, a delivery) and records it; returns when all have.
  void Stop();
  bool stopping() const { return stop_.load(); }
  void Notify();

 private:
  Result<int> AssessPendingAs(const std::string& lease_name);
  // The server's anonymization pass: replaces the quarantined upload, obs becomes kStored.
  Status Reanonymize(store::Observation& obs);
  Status Assess(store::Observation& obs);
  // A failed step of an observation still in `state`: counts the attempt, keeps the error, and
  // ends in kFailed only when the retry policy gives up. Returns `st`.
  Status RecordFailure(const std::string& observation_id, store::ObservationState state,
                       const Status& st);
  // permit_check: the permits within the rule's distance of the observation, any validity.
  Result<std::vector<tasks::PermitMatch>> PermitsNear(const tasks::Task& task,
                                                      const store::Observation& obs);
  Status ApplyRetention(store::Observation& obs);
  // Vehicles silent since `before`: their last position and heartbeats' GPS fix go (audited
  // as vehicle.position_erase by system). Returns how many vehicles.
  Result<int> EraseVehiclePositions(TimeMs before);
  enum { kAssessLoop = 0, kActionLoop = 1, kRetentionLoop = 2 };
  // Runs `pass` until Stop(): again at once after work, else after poll_ms or a wake-up.
  void RunLoop(int loop, const std::function<Result<int>()>& pass, const char* name);
  void Wake(std::initializer_list<int> loops);

  store::Store* store_;
  store::BlobStore* blobs_;
  recognition::Recognizer* recognizer_;
  actions::Dispatcher* dispatcher_;
  Clock* clock_;
  PipelineOptions options_;
  std::unique_ptr<ServerAnonymizer> anonymizer_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t wake_gen_[3] = {0, 0, 0};  // guarded by mu_, per loop: bumped by each wake-up
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
  std::atomic<int> assessed_count_{0};
  std::atomic<TimeMs> last_follow_up_ms_{INT64_MIN / 2};  // when open cases were last looked up
  std::atomic<TimeMs> next_location_sweep_ms_{0};
  std::atomic<TimeMs> next_visit_check_ms_{0};
  std::set<std::string> started_leases_;  // guarded by mu_: lease names whose old leases went back
};

// An operator's decision to try a kFailed observation again: back to kStored (kReceived when it
// failed before the server's anonymization pass) with no attempts
// and no error. NotFound for an unknown id, FailedPrecondition (field "state") unless it failed.
Status RetryFailedObservation(store::Store* store, const std::string& observation_id, Clock* clock);

}  // namespace tilsyn::pipeline
