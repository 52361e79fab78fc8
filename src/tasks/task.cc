#include "tasks/task.h"

namespace tilsyn::tasks {

std::string_view ToString(TaskKind k) {
  switch (k) {
    case TaskKind::kPresence: return "presence";
    case TaskKind::kAbsence: return "absence";
    case TaskKind::kCount: return "count";
    case TaskKind::kCondition: return "condition";
    case TaskKind::kText: return "text";
    case TaskKind::kBeforeAfter: return "before_after";
    case TaskKind::kPermitCheck: return "permit_check";
  }
  return "presence";
}

std::string_view ToString(TaskStatus s) {
  switch (s) {
    case TaskStatus::kDraft: return "draft";
    case TaskStatus::kActive: return "active";
    case TaskStatus::kPaused: return "paused";
    case TaskStatus::kCompleted: return "completed";
    case TaskStatus::kCancelled: return "cancelled";
  }
  return "draft";
}

std::string_view ToString(Outcome o) {
  switch (o) {
    case Outcome::kOk: return "ok";
    case Outcome::kFinding: return "finding";
    case Outcome::kInconclusive: return "inconclusive";
  }
  return "inconclusive";
}

std::optional<TaskKind> ParseTaskKind(std::string_view s) {
  for (TaskKind k : {TaskKind::kPresence, TaskKind::kAbsence, TaskKind::kCount, TaskKind::kCondition,
                     TaskKind::kText, TaskKind::kBeforeAfter, TaskKind::kPermitCheck}) {
    if (ToString(k) == s) return k;
  }
  return std::nullopt;
}

bool ComparesWithReference(const Task& t) {
  if (t.kind == TaskKind::kBeforeAfter || t.kind == TaskKind::kPermitCheck) return true;
  return t.kind == TaskKind::kCondition && !t.targets.empty() && t.targets[0].label == "change";
}

std::optional<TaskStatus> ParseTaskStatus(std::string_view s) {
  for (TaskStatus k : {TaskStatus::kDraft, TaskStatus::kActive, TaskStatus::kPaused,
                       TaskStatus::kCompleted, TaskStatus::kCancelled}) {
    if (ToString(k) == s) return k;
  }
  return std::nullopt;
}

std::optional<Outcome> ParseOutcome(std::string_view s) {
  for (Outcome k : {Outcome::kOk, Outcome::kFinding, Outcome::kInconclusive}) {
    if (ToString(k) == s) return k;
  }
  return std::nullopt;
}

}  // namespace tilsyn::tasks
