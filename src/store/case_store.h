// CaseStore: a finding's life after the assessment — the inspector's steps recorded as events
// (status open → in_progress → handled | dismissed, the seed's escalation ladder advice →
// follow_up → order → police_report, notes, assignment), appended, never changed, so the
// history stays what happened. A narrow seam like PermitStore, reached through Store::cases().
// Thread-safe as its implementation.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace tilsyn::store {

struct CaseEvent {
  std::string assessment_id;
  TimeMs at_ms = 0;
  std::string user;
  std::string status;    // "" or open | in_progress | handled | dismissed
  std::string step;      // "" or advice | follow_up | order | police_report
  std::string step_date; // the step's date (YYYY-MM-DD) as the inspector gave it, or ""
  std::string note;
  std::string assignee;  // "" = unchanged
};

// The case as its events leave it.
struct CaseState {
  std::string status = "open";
  std::string assignee;
  std::vector<CaseEvent> events;  // oldest first
};

class CaseStore {
 public:
  virtual ~CaseStore() = default;
  virtual Status AppendCaseEvent(const CaseEvent& e) = 0;
  // Oldest first.
  virtual Result<std::vector<CaseEvent>> CaseEvents(const std::string& assessment_id) = 0;
  // The latest status of every assessment that has one.
  virtual Result<std::map<std::string, std::string>> CaseStatuses() = 0;
};

// Folds events into the state (the last status and assignee given win).
CaseState FoldCase(std::vector<CaseEvent> events);

}  // namespace tilsyn::store
