#include "pipeline/server_anonymizer.h"

#include <optional>

#include "imaging/jpeg.h"

namespace tilsyn::pipeline {
namespace {

constexpr int kJpegQuality = 90;

}  // namespace

Result<ServerAnonymizer::Cleaned> ServerAnonymizer::Clean(const std::string& jpeg,
                                                          const tasks::CaptureJob* job) {
  TILSYN_ASSIGN_OR_RETURN(cv::Mat bgr, imaging::DecodeJpeg(jpeg));
  TILSYN_ASSIGN_OR_RETURN(std::unique_ptr<imaging::Anonymizer> anonymizer, anonymizers_());
  Cleaned out;
  if (!skip_for_test_) {
    const std::optional<imaging::TextEvidence> evidence =
        job ? imaging::EvidenceOf(*job) : std::nullopt;
    TILSYN_ASSIGN_OR_RETURN(out.report,
                            evidence_.Anonymize(*anonymizer, bgr, evidence ? &*evidence : nullptr));
  }
  TILSYN_ASSIGN_OR_RETURN(out.jpeg, imaging::EncodeJpeg(bgr, kJpegQuality));
  return out;
}

}  // namespace tilsyn::pipeline
