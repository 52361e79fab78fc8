#include "store/case_store.h"

namespace tilsyn::store {

CaseState FoldCase(std::vector<CaseEvent> events) {
  CaseState s;
  for (const CaseEvent& e : events) {
    if (!e.status.empty()) s.status = e.status;
    if (!e.assignee.empty()) s.assignee = e.assignee;
  }
  s.events = std::move(events);
  return s;
}

}  // namespace tilsyn::store
