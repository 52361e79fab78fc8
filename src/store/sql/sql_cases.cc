// Case events (store/case_store.h): appended, read in order.
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace tilsyn::store::sql {

Status SqlStore::AppendCaseEvent(const CaseEvent& e) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("INSERT INTO case_events (assessment_id, at_ms, \"user\", status, step, step_date, "
                   "note, assignee) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    st.Bind(1, e.assessment_id).Bind(2, e.at_ms).Bind(3, e.user).Bind(4, e.status);
    st.Bind(5, e.step).Bind(6, e.step_date).Bind(7, e.note).Bind(8, e.assignee);
    return st.Run();
  });
}

Result<std::vector<CaseEvent>> SqlStore::CaseEvents(const std::string& assessment_id) {
  std::vector<CaseEvent> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("SELECT assessment_id, at_ms, \"user\", status, step, step_date, note, assignee "
                   "FROM case_events WHERE assessment_id = ? ORDER BY id"));
    st.Bind(1, assessment_id);
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back({st.Text(0), st.Int(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5),
                     st.Text(6), st.Text(7)});
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::map<std::string, std::string>> SqlStore::CaseStatuses() {
  std::map<std::string, std::string> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st, db.Prepare("SELECT assessment_id, status FROM case_events WHERE status != '' "
                                 "ORDER BY id"));
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out[st.Text(0)] = st.Text(1);  // later rows win
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace tilsyn::store::sql
