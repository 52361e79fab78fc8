#include "store/sql/db.h"

#include "core/log.h"

namespace tilsyn::store::sql {

Status Statement::Run() {
  while (true) {
    TILSYN_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

Result<int64_t> Db::QueryInt(std::string_view sql) {
  TILSYN_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
  TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no row");
  return st.Int(0);
}

Status Reported(Status answer, std::string_view detail, bool expected) {
  (expected ? LogInfo : LogWarn)("db.error", {{"code", std::string(CodeName(answer.code()))},
                                              {"answer", answer.message()},
                                              {"detail", std::string(detail)}});
  return answer;
}

Transaction::Transaction(Db& db, Mode mode) : db_(db) {
  begin_status_ = db_.Exec(db_.BeginSql(mode));
  open_ = begin_status_.ok();
}

Transaction::~Transaction() {
  if (open_) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (!open_) return begin_status_.ok() ? Status::Internal("transaction not open") : begin_status_;
  Status st = db_.Exec("COMMIT");
  // A failed COMMIT (e.g. SQLITE_BUSY) leaves the transaction open; the destructor rolls back.
  if (st.ok()) open_ = false;
  return st;
}

}  // namespace tilsyn::store::sql
