// Protected evidence: a task that inspects text (a sign) names the text it expects; the lines of
// an image that read that text become protected regions of the anonymizer, so privacy does not
// blur away the evidence the task exists for. Privacy wins every tie: a face or plate that the
// anonymizer finds with at least its override score (AnonymizerOptions::protect_override_score)
// over a protected region is blurred in full. Every decision is logged and kept in the image's
// anonymization report ("protected"). Used on the vehicle (agent) and on the server (ingest).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "imaging/anonymizer.h"
#include "imaging/text/text_reader.h"
#include "tasks/capture_job.h"

namespace tilsyn::imaging {

struct TextEvidence {
  std::string expected_text;    // the task's expected sign text
  double min_similarity = 0.8;  // as the task's rule (tasks/text_match.h)
  std::string reason;           // logged with every decision, e.g. "task 42: sign text"
};

// The evidence a capture job names (text tasks), or nullopt.
std::optional<TextEvidence> EvidenceOf(const tasks::CaptureJob& job);

// The regions of `lines` that read `e.expected_text`: the shortest runs of consecutive lines in
// reading order (at most four lines) whose joined text matches with at least `min_similarity`,
// each as the union of its line boxes grown by a third of a line height (clipped to `bounds`).
// Empty when no run matches or the expected text is empty.
std::vector<ProtectedRegion> MatchProtectedText(const std::vector<TextLine>& lines,
                                                const TextEvidence& e, cv::Size bounds);

// Anonymizes with a task's text evidence protected. Opens its TextReader on first use (Tesseract
// start-up costs ~100 ms) and reuses it. Thread-safe.
class EvidenceGuard {
 public:
  explicit EvidenceGuard(TextReaderOptions options = {});
  ~EvidenceGuard();

  // Anonymizes `bgr` in place with `a`. With `e` (non-null, non-empty text) the lines reading the
  // expected text are protected; when the text cannot be read (no match, no language data) the
  // image is anonymized without protection — over-blurring is the safe side — and that is logged.
  Result<AnonymizationReport> Anonymize(Anonymizer& a, cv::Mat& bgr, const TextEvidence* e);

 private:
  TextReaderOptions options_;
  std::mutex mu_;  // guards reader_ and open_failed_
  std::unique_ptr<TextReader> reader_;
  bool open_failed_ = false;
};

}  // namespace tilsyn::imaging
