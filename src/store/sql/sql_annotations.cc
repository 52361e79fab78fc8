// Annotations (store/annotation_store.h): an observation's boxes replaced as one set, in the
// order saved.
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace tilsyn::store::sql {
namespace {

constexpr char kAnnotationColumns[] =
    "observation_id, label, x, y, w, h, labelled_by, labelled_ms";

Annotation ReadAnnotation(const Statement& st) {
  Annotation a;
  a.observation_id = st.Text(0);
  a.label = st.Text(1);
  a.x = static_cast<int>(st.Int(2));
  a.y = static_cast<int>(st.Int(3));
  a.w = static_cast<int>(st.Int(4));
  a.h = static_cast<int>(st.Int(5));
  a.labelled_by = st.Text(6);
  a.labelled_ms = st.Int(7);
  return a;
}

}  // namespace

Status SqlStore::ReplaceAnnotations(const std::string& observation_id,
                                       const std::vector<Annotation>& boxes) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement del,
                            db.Prepare("DELETE FROM annotations WHERE observation_id = ?"));
    del.Bind(1, observation_id);
    TILSYN_RETURN_IF_ERROR(del.Run());
    for (size_t i = 0; i < boxes.size(); ++i) {
      const Annotation& a = boxes[i];
      TILSYN_ASSIGN_OR_RETURN(
          Statement st,
          db.Prepare("INSERT INTO annotations (observation_id, position, label, x, y, w, h, "
                     "labelled_by, labelled_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      st.Bind(1, observation_id).Bind(2, static_cast<int64_t>(i)).Bind(3, a.label);
      st.Bind(4, int64_t{a.x}).Bind(5, int64_t{a.y}).Bind(6, int64_t{a.w}).Bind(7, int64_t{a.h});
      st.Bind(8, a.labelled_by).Bind(9, a.labelled_ms);
      TILSYN_RETURN_IF_ERROR(st.Run());
    }
    return Status::Ok();
  });
}

Result<std::vector<Annotation>> SqlStore::AnnotationsFor(const std::string& observation_id) {
  std::vector<Annotation> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st, db.Prepare(Select(kAnnotationColumns, "annotations",
                                        "WHERE observation_id = ? ORDER BY position")));
    st.Bind(1, observation_id);
    return CollectRows(st, out, ReadAnnotation);
  }));
  return out;
}

Result<std::vector<Annotation>> SqlStore::ListAnnotations(
    const std::optional<std::string>& label) {
  std::vector<Annotation> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    std::string where = label ? "WHERE label = ? " : "";
    where += "ORDER BY observation_id, position";
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(Select(kAnnotationColumns, "annotations", where)));
    if (label) st.Bind(1, *label);
    return CollectRows(st, out, ReadAnnotation);
  }));
  return out;
}

}  // namespace tilsyn::store::sql
