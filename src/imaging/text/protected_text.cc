#include "imaging/text/protected_text.h"

#include <algorithm>

#include "core/log.h"
#include "tasks/text_match.h"

namespace tilsyn::imaging {
namespace {

constexpr size_t kMaxRun = 4;

cv::Rect Grown(const cv::Rect& r, int by, cv::Size bounds) {
  return cv::Rect(r.x - by, r.y - by, r.width + 2 * by, r.height + 2 * by) &
         cv::Rect(0, 0, bounds.width, bounds.height);
}

}  // namespace

std::optional<TextEvidence> EvidenceOf(const tasks::CaptureJob& job) {
  if (job.evidence_text.empty()) return std::nullopt;
  return TextEvidence{job.evidence_text, job.evidence_min_similarity,
                      "task " + job.task_id + ": sign text"};
}

std::vector<ProtectedRegion> MatchProtectedText(const std::vector<TextLine>& lines,
                                                const TextEvidence& e, cv::Size bounds) {
  std::vector<ProtectedRegion> out;
  if (e.expected_text.empty() || lines.empty()) return out;
  std::vector<const TextLine*> order;
  for (const TextLine& l : lines) order.push_back(&l);
  std::sort(order.begin(), order.end(), [](const TextLine* a, const TextLine* b) {
    return tasks::ReadsBefore({a->box.x, a->box.y, a->box.height},
                              {b->box.x, b->box.y, b->box.height});
  });
  for (size_t run = 1; run <= std::min(kMaxRun, order.size()) && out.empty(); ++run) {
    for (size_t i = 0; i + run <= order.size(); ++i) {
      std::string joined;
      cv::Rect box = order[i]->box;
      int line_h = 0;
      for (size_t k = i; k < i + run; ++k) {
        joined += (joined.empty() ? "" : " ") + order[k]->text;
        box |= order[k]->box;
        line_h = std::max(line_h, order[k]->box.height);
      }
      if (tasks::BestTextMatch(e.expected_text, {joined}) < e.min_similarity) continue;
      const cv::Rect grown = Grown(box, std::max(2, line_h / 3), bounds);
      if (!grown.empty())
        out.push_back({grown, e.reason.empty() ? "task text evidence" : e.reason});
    }
  }
  return out;
}

EvidenceGuard::EvidenceGuard(TextReaderOptions options) : options_(std::move(options)) {}
EvidenceGuard::~EvidenceGuard() = default;

Result<AnonymizationReport> EvidenceGuard::Anonymize(Anonymizer& a, cv::Mat& bgr,
                                                     const TextEvidence* e) {
  if (e == nullptr || e->expected_text.empty()) return a.Anonymize(bgr);
  std::vector<ProtectedRegion> protect;
  TextReader* reader = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!reader_ && !open_failed_) {
      auto r = TextReader::Open(options_);
      if (r.ok()) {
        reader_ = std::move(*r);
      } else {
        open_failed_ = true;
        LogWarn("anonymizer.evidence_unreadable",
                {{"reason", e->reason}, {"error", r.status().ToString()}});
      }
    }
    reader = reader_.get();
  }
  // The reader serialises its own calls; the un-anonymized pixels never leave this function.
  if (reader != nullptr) {
    Result<std::vector<TextLine>> lines = reader->Read(bgr);
    if (lines.ok()) {
      protect = MatchProtectedText(*lines, *e, bgr.size());
    } else {
      LogWarn("anonymizer.evidence_unreadable",
              {{"reason", e->reason}, {"error", lines.status().ToString()}});
    }
  }
  if (protect.empty()) {
    LogInfo("anonymizer.evidence_not_found", {{"reason", e->reason}});
    return a.Anonymize(bgr);
  }
  return a.Anonymize(bgr, protect);
}

}  // namespace tilsyn::imaging
