// Per service × label success statistics from recognition runs, joined with inspectors' feedback.
// Percentiles are computed here (SQLite has none) with the nearest-rank method.
#include <algorithm>
#include <utility>

#include "store/sql/sql_store.h"

namespace tilsyn::store::sql {
namespace {

// Nearest-rank percentile of sorted values: the value at rank ceil(p/100 · n); 0 when empty.
// Integer arithmetic, so p95 of 20 values is exactly the 19th.
double NearestRank(const std::vector<int64_t>& sorted, int percent) {
  if (sorted.empty()) return 0;
  const size_t n = sorted.size();
  size_t rank = (static_cast<size_t>(percent) * n + 99) / 100;
  rank = std::clamp<size_t>(rank, 1, n);
  return static_cast<double>(sorted[rank - 1]);
}

}  // namespace

Result<std::vector<ServiceStats>> SqlStore::ServiceStatsSummary() {
  std::map<std::pair<std::string, std::string>, ServiceStats> groups;
  std::map<std::pair<std::string, std::string>, std::vector<int64_t>> latencies;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("SELECT r.service, r.label, r.good_enough, r.error, r.position, r.started_ms, "
                   "r.finished_ms, COALESCE(a.feedback, '') FROM recognition_runs r "
                   "LEFT JOIN assessments a ON a.observation_id = r.observation_id"));
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      auto key = std::make_pair(st.Text(0), st.Text(1));
      ServiceStats& s = groups[key];
      s.service = key.first;
      s.label = key.second;
      const bool good = st.Int(2) != 0;
      s.calls++;
      if (good) s.good_enough++;
      const std::string error = st.Text(3);
      if (!error.empty()) s.errors++;
      if (error.rfind("timeout", 0) == 0) s.timeouts++;
      if (st.Int(4) > 0) s.fallbacks++;
      latencies[key].push_back(std::max<int64_t>(0, st.Int(6) - st.Int(5)));
      // Feedback judges the result that was used: the good-enough run(s) of the observation.
      if (good) {
        const std::string feedback = st.Text(7);
        if (feedback == "correct") s.feedback_correct++;
        if (feedback == "wrong" || feedback == "corrected") s.feedback_wrong++;
      }
    }
    return Status::Ok();
  }));
  std::vector<ServiceStats> out;
  out.reserve(groups.size());
  for (auto& [key, s] : groups) {  // std::map: ordered by service, then label
    std::vector<int64_t>& l = latencies[key];
    std::sort(l.begin(), l.end());
    s.p50_ms = NearestRank(l, 50);
    s.p95_ms = NearestRank(l, 95);
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<TaskFeedbackStats>> SqlStore::TaskFeedbackSummary() {
  std::vector<TaskFeedbackStats> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("SELECT a.task_id, COALESCE(MAX(" + db.JsonText("t.json", "title") +
                   "), ''), COUNT(*), "
                   "SUM(CASE WHEN COALESCE(a.feedback, '') <> '' THEN 1 ELSE 0 END), "
                   "SUM(CASE WHEN a.feedback = 'correct' THEN 1 ELSE 0 END), "
                   "SUM(CASE WHEN a.feedback = 'wrong' THEN 1 ELSE 0 END), "
                   "SUM(CASE WHEN a.feedback = 'corrected' THEN 1 ELSE 0 END), "
                   "COUNT(a.satisfaction), AVG(a.satisfaction) "
                   "FROM assessments a LEFT JOIN tasks t ON t.id = a.task_id "
                   "GROUP BY a.task_id ORDER BY a.task_id"));
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      TaskFeedbackStats s;
      s.task_id = st.Text(0);
      s.title = st.Text(1);
      s.assessments = st.Int(2);
      s.with_feedback = st.Int(3);
      s.correct = st.Int(4);
      s.wrong = st.Int(5);
      s.corrected = st.Int(6);
      s.rated = st.Int(7);
      s.satisfaction_mean = st.OptDouble(8);
      out.push_back(std::move(s));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<EvaluationAssessment>> SqlStore::EvaluationAssessments(TimeMs from_ms,
                                                                          TimeMs to_ms) {
  std::vector<EvaluationAssessment> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("SELECT a.task_id, a.created_ms, o.captured_ms, a.outcome, a.feedback, "
                   "(SELECT MAX(r.good_enough) FROM recognition_runs r WHERE r.observation_id = "
                   "a.observation_id AND r.position = 0) "
                   "FROM assessments a JOIN observations o ON o.id = a.observation_id "
                   "WHERE a.created_ms >= ? AND a.created_ms < ? ORDER BY a.created_ms, a.id"));
    st.Bind(1, from_ms).Bind(2, to_ms);
    return CollectRows(st, out, [](const Statement& s) {
      EvaluationAssessment e;
      e.task_id = s.Text(0);
      e.assessed_ms = s.Int(1);
      e.captured_ms = s.Int(2);
      e.outcome = s.Text(3);
      e.feedback = s.Text(4);
      if (std::optional<int64_t> g = s.OptInt(5)) e.first_good_enough = *g != 0;
      return e;
    });
  }));
  return out;
}

Result<std::vector<EvaluationImage>> SqlStore::EvaluationImages(TimeMs from_ms, TimeMs to_ms) {
  std::vector<EvaluationImage> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("SELECT o.task_id, o.captured_ms, b.delete_after_ms, b.deleted_ms "
                   "FROM observations o JOIN blobs b ON b.observation_id = o.id "
                   "WHERE o.captured_ms >= ? AND o.captured_ms < ? ORDER BY o.captured_ms, o.id"));
    st.Bind(1, from_ms).Bind(2, to_ms);
    return CollectRows(st, out, [](const Statement& s) {
      return EvaluationImage{s.Text(0), s.Int(1), s.OptInt(2), s.OptInt(3)};
    });
  }));
  return out;
}

}  // namespace tilsyn::store::sql
