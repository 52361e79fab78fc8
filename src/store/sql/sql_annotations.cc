// Annotations (store/annotation_store.h): an observation's boxes replaced as one set, in the
// order saved.
#include <algorithm>

#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace tilsyn::store::sql {
namespace {

constexpr char kAnnotationColumns[] = "observation_id, label, x, y, w, h, labelled_by, labelled_ms";

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
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(Select(kAnnotationColumns, "annotations",
                                              "WHERE observation_id = ? ORDER BY position")));
    st.Bind(1, observation_id);
    return CollectRows(st, out, ReadAnnotation);
  }));
  return out;
}

Result<std::vector<Annotation>> SqlStore::ListAnnotations(const std::optional<std::string>& label) {
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

Status SqlStore::SetCompleteLabels(const std::string& observation_id,
                                   const std::vector<std::string>& labels,
                                   const std::string& marked_by, TimeMs marked_ms) {
  return Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement del,
                            db.Prepare("DELETE FROM annotation_sets WHERE observation_id = ?"));
    del.Bind(1, observation_id);
    TILSYN_RETURN_IF_ERROR(del.Run());
    if (labels.empty()) return Status::Ok();
    std::vector<std::string> sorted = labels;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare("INSERT INTO annotation_sets (observation_id, complete_for, "
                                       "marked_by, marked_ms) VALUES (?, ?, ?, ?)"));
    st.Bind(1, observation_id).Bind(2, Json(sorted).dump()).Bind(3, marked_by).Bind(4, marked_ms);
    return st.Run();
  });
}

Result<std::map<std::string, CompleteLabelSet>> SqlStore::CompleteLabels(
    const std::optional<std::string>& observation_id) {
  std::map<std::string, CompleteLabelSet> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare(Select("observation_id, complete_for, marked_by, marked_ms", "annotation_sets",
                          observation_id ? "WHERE observation_id = ?" : "")));
    if (observation_id) st.Bind(1, *observation_id);
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      CompleteLabelSet& set = out[st.Text(0)];
      const Json arr = ParseJsonColumn(st.Text(1), Json::array());
      for (const auto& l : arr) {
        if (l.is_string()) set.labels.push_back(l.get<std::string>());
      }
      set.marked_by = st.Text(2);
      set.marked_ms = st.Int(3);
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace tilsyn::store::sql
