// AssessmentStore: recognition runs, assessments and inspectors' feedback. One of the narrow seams
// of the store (store/store.h): code that needs only this aggregate takes a AssessmentStore; the
// SQL store (store/sql/) implements every seam in one class, on SQLite and PostgreSQL. Thread-safe
// as its implementation; every method is one transaction.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/records.h"

namespace tilsyn::store {

// Listing limits: `limit` <= 0 means no limit.
struct AssessmentFilter {
  std::optional<std::string> task_id;
  std::optional<std::string> outcome;
  int limit = 100;
  int offset = 0;
};

class AssessmentStore {
 public:
  virtual ~AssessmentStore() = default;

  // In one transaction: inserts the runs, the assessment and the action runs (action runs whose
  // idempotency key exists are skipped) and sets the observation's state to kAssessed.
  // AlreadyExists when the observation already has an assessment (nothing is changed); NotFound
  // when the observation is unknown. Empty run/action ids are generated; an action run's empty
  // assessment_id/task_id default to the assessment's. The observation's updated_ms becomes the
  // assessment's created_ms.
  virtual Status RecordAssessment(const std::string& observation_id,
                                  const std::vector<RecognitionRunRecord>& runs,
                                  const AssessmentRecord& assessment,
                                  const std::vector<ActionRunRecord>& actions) = 0;
  virtual Result<std::vector<RecognitionRunRecord>> RunsForObservation(
      const std::string& observation_id) = 0;
  virtual Result<AssessmentRecord> GetAssessment(const std::string& id) = 0;
  virtual Result<AssessmentRecord> GetAssessmentForObservation(const std::string& obs_id) = 0;
  // Newest (created_ms) first.
  virtual Result<std::vector<AssessmentRecord>> ListAssessments(const AssessmentFilter& f) = 0;
  // Sets feedback fields (feedback, corrected_label, satisfaction, feedback_by).
  virtual Status UpdateAssessmentFeedback(const AssessmentRecord& a) = 0;
  // ok, finding and inconclusive always present (0 when none).
  virtual Result<std::map<std::string, int64_t>> CountAssessmentsByOutcome() = 0;
};

}  // namespace tilsyn::store
