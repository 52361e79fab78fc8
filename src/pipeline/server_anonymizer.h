// ServerAnonymizer: the server's own anonymization pass over an uploaded image (privacy invariant
// 2, defence in depth after the vehicle's): decode, anonymize in memory — keeping a text task's
// expected sign text readable as protected evidence (imaging/text/protected_text.h) — and
// re-encode, which drops every metadata segment. Ingest runs it on the request thread, or the
// pipeline's assessment loop runs it on an upload waiting in the encrypted quarantine
// (ObservationState::kReceived). Thread-safe if the factory gives one anonymizer per call.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "imaging/anonymizer.h"
#include "imaging/text/protected_text.h"
#include "tasks/capture_job.h"

namespace tilsyn::pipeline {

class ServerAnonymizer {
 public:
  using Factory = std::function<Result<std::unique_ptr<imaging::Anonymizer>>()>;
  explicit ServerAnonymizer(Factory anonymizers) : anonymizers_(std::move(anonymizers)) {}

  struct Cleaned {
    std::string jpeg;  // anonymized, re-encoded, without metadata
    imaging::AnonymizationReport report;
  };
  // `job` (may be null) is the capture job the image was taken for: its expected text, if any,
  // is protected. UnsupportedMedia when the bytes are not a JPEG this server decodes.
  Result<Cleaned> Clean(const std::string& jpeg, const tasks::CaptureJob* job);

  // Test hook: when set, the anonymization is skipped (the pixels are only re-encoded). Exists
  // only so a test can prove that the invariant-2 tests notice; never set it elsewhere.
  void SkipForTest(bool skip) { skip_for_test_ = skip; }

 private:
  Factory anonymizers_;
  imaging::EvidenceGuard evidence_;
  bool skip_for_test_ = false;
};

}  // namespace tilsyn::pipeline
