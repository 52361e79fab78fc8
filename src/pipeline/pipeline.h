// Pipeline: one observation's way after ingest — recognize (with fallback) → rule → assessment →
// action runs → image retention (delete right away when there is no finding and the task keeps
// no documentation) — plus the background loops: action dispatch and the retention sweeper.
// All state is in the store, so a restarted server resumes every unfinished observation
// (ObservationsInState(kStored / kAssessed)). Start() runs one worker thread; Notify() wakes it.
// Retention: without a finding the image is deleted once assessed, unless the task keeps
// non-findings as documentation or is under legal hold; kept images get now + evidence_days.
// A failed recognition is retried on later passes (1 s, 2 s, 4 s … apart) and after
// max_attempts the observation is kFailed with its error; undecodable or missing images fail
// at once. Process/RunOnce/SweepRetention are meant for one thread (the worker, or a test).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "actions/action.h"
#include "core/clock.h"
#include "recognition/recognizer.h"
#include "store/blob_store.h"
#include "store/store.h"

namespace tilsyn::pipeline {

struct PipelineOptions {
  int poll_ms = 500;          // idle wait between passes
  int max_attempts = 5;       // recognition attempts before an observation fails visibly
  // Test hook: stop after this many observations have been assessed (crash simulation). <0 = off.
  int crash_after_assessments_for_test = -1;
};

class Pipeline {
 public:
  Pipeline(store::Store* store, store::BlobStore* blobs, recognition::Recognizer* recognizer,
           actions::Dispatcher* dispatcher, Clock* clock, PipelineOptions options);
  ~Pipeline();

  // Takes one observation from kStored/kAssessed to kDone (or kFailed). Idempotent.
  Status Process(const std::string& observation_id);
  // One pass: every pending observation, due actions, due deletions. Returns work done.
  Result<int> RunOnce();
  // Deletes images whose deadline passed (no legal hold); returns how many.
  Result<int> SweepRetention();

  void Start();
  void Stop();
  void Notify();

 private:
  Status Assess(store::Observation& obs);
  Status ApplyRetention(store::Observation& obs);

  store::Store* store_;
  store::BlobStore* blobs_;
  recognition::Recognizer* recognizer_;
  actions::Dispatcher* dispatcher_;
  Clock* clock_;
  PipelineOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false;
  std::atomic<bool> stop_{false};
  std::thread worker_;
  int assessed_count_ = 0;
};

}  // namespace tilsyn::pipeline
