// Ingest: accepts an uploaded observation (metadata JSON + JPEG) from a vehicle — the server's
// first step. In order: validate metadata, refuse when it matches no active job (invariant 1),
// decode the JPEG, anonymize again in memory (invariant 2), re-encode without metadata, store the
// image with a deletion deadline (invariant 4), insert the observation. A text task's expected
// sign text is protected evidence during anonymization (imaging/text/protected_text.h). Idempotent on the
// observation id: a repeat returns the existing observation with created = false and writes
// nothing. Any error leaves nothing behind. Thread-safe if the Anonymizer factory gives one
// anonymizer per call.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/json_util.h"
#include "imaging/anonymizer.h"
#include "imaging/text/protected_text.h"
#include "store/blob_store.h"
#include "store/store.h"

namespace tilsyn::pipeline {

// Metadata JSON fields: id (UUID), job_id, captured_at (RFC 3339), lat, lon, and optional
// heading_deg, speed_kmh, accuracy_m, anonymization (the vehicle's report object).
struct IngestResult {
  bool created = false;
  store::Observation observation;
};

class Ingest {
 public:
  using AnonymizerFactory = std::function<Result<std::unique_ptr<imaging::Anonymizer>>()>;
  Ingest(store::Store* store, store::BlobStore* blobs, AnonymizerFactory anonymizers,
         Clock* clock);

  // `vehicle_id` is the authenticated vehicle. Errors: InvalidArgument (field named),
  // FailedPrecondition (no active job / outside geofence or window; recorded in the store's
  // refusals for the processing record), UnsupportedMedia (image).
  Result<IngestResult> Accept(const std::string& vehicle_id, const Json& metadata,
                              const std::string& jpeg);

  // Checked before an upload is decoded: a non-ok Status (e.g. StorageFull while the disk is
  // below its reserve) refuses the upload and nothing is written. Set before serving.
  void SetSpaceCheck(std::function<Status()> check) { space_check_ = std::move(check); }

  // Test hook: when set, the server-side anonymization is skipped (the uploaded pixels are only
  // re-encoded). Exists only so a test can prove that the invariant-2 test notices; never set
  // it elsewhere.
  void SkipServerAnonymizationForTest(bool skip) { skip_anonymization_for_test_ = skip; }

 private:
  store::Store* store_;
  store::BlobStore* blobs_;
  AnonymizerFactory anonymizers_;
  imaging::EvidenceGuard evidence_;  // keeps a text task's sign readable (protected evidence)
  Clock* clock_;
  bool skip_anonymization_for_test_ = false;
  std::function<Status()> space_check_;
};

}  // namespace tilsyn::pipeline
