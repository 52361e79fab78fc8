// StatsStore: per-service and per-task figures computed from the stored runs and feedback. One of
// the narrow seams of the store (store/store.h): code that needs only this aggregate takes a
// StatsStore; the SQL store (store/sql/) implements every seam in one class, on SQLite and
// PostgreSQL. Thread-safe as its implementation; every method is one transaction.
#pragma once

#include <vector>

#include "core/result.h"
#include "store/records.h"

namespace tilsyn::store {

class StatsStore {
 public:
  virtual ~StatsStore() = default;

  // Ordered by service, then label. Latency percentiles are nearest-rank over finished - started.
  // Feedback counts come from the assessments of observations where the run was good enough:
  // "correct" counts as correct, "wrong" and "corrected" as wrong.
  virtual Result<std::vector<ServiceStats>> ServiceStatsSummary() = 0;
  // Per task (ordered by task id) with at least one assessment: feedback verdicts and the mean
  // satisfaction (1..5) inspectors gave.
  virtual Result<std::vector<TaskFeedbackStats>> TaskFeedbackSummary() = 0;
  // The pilot's evaluation: every assessment made in [from_ms, to_ms), and every image of an
  // observation captured in it, oldest first.
  virtual Result<std::vector<EvaluationAssessment>> EvaluationAssessments(TimeMs from_ms,
                                                                          TimeMs to_ms) = 0;
  virtual Result<std::vector<EvaluationImage>> EvaluationImages(TimeMs from_ms, TimeMs to_ms) = 0;
};

}  // namespace tilsyn::store
