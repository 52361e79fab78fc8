// Ingest: accepts an uploaded observation (metadata JSON + JPEG) from a vehicle — the server's
// first step. In order: validate metadata, refuse when it matches no active job (invariant 1),
// decode the JPEG (refusing what is not one), then either
//  - in the request (IngestOptions::anonymize_in_worker false): anonymize again in memory and
//    re-encode without metadata (ServerAnonymizer, invariant 2) and store the result as a stored
//    observation; or
//  - in the worker (true; `tilsyn serve`'s default): store the upload as it came in the encrypted
//    quarantine as a received observation, readable by no endpoint, which the pipeline's
//    assessment loop anonymizes and replaces (Pipeline::Process) — so an API instance answers an
//    upload in milliseconds, not after a second of CPU;
// in both cases with a deletion deadline (invariant 4). Idempotent on the observation id: a repeat
// returns the existing observation with created = false and writes nothing. Any error leaves
// nothing behind. Thread-safe if the Anonymizer factory gives one anonymizer per call.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/json_util.h"
#include "pipeline/server_anonymizer.h"
#include "store/blob_store.h"
#include "store/store.h"

namespace tilsyn::pipeline {

// Metadata JSON fields: id (UUID), job_id, captured_at (RFC 3339), lat, lon, and optional
// heading_deg, speed_kmh, accuracy_m, anonymization (the vehicle's report object).
struct IngestResult {
  bool created = false;
  store::Observation observation;
};

struct IngestOptions {
  // Leave the server's anonymization pass to the pipeline's worker (see the file comment).
  bool anonymize_in_worker = false;
};

class Ingest {
 public:
  using AnonymizerFactory = ServerAnonymizer::Factory;
  Ingest(store::Store* store, store::BlobStore* blobs, AnonymizerFactory anonymizers, Clock* clock,
         IngestOptions options = {});

  // `vehicle_id` is the authenticated vehicle. Errors: InvalidArgument (field named),
  // FailedPrecondition (no active job / outside geofence or window; recorded in the store's
  // refusals for the processing record), UnsupportedMedia (image).
  Result<IngestResult> Accept(const std::string& vehicle_id, const Json& metadata,
                              const std::string& jpeg);

  // Checked before an upload is decoded: a non-ok Status (e.g. StorageFull while the disk is
  // below its reserve) refuses the upload and nothing is written. Set before serving.
  void SetSpaceCheck(std::function<Status()> check) { space_check_ = std::move(check); }
  // Whether a task's job is offered to a vehicle for a capture at `captured_ms` (the planner's
  // selection); a capture from a vehicle it is not offered to is refused (FailedPrecondition,
  // recorded as a refusal) — unless it carries a `job_version` older than the job's current one
  // (it was captured under an earlier offer). Unset = every vehicle. Set before serving.
  using OfferCheck =
      std::function<bool(const std::string& task_id, const std::string& vehicle_id, TimeMs)>;
  void SetOfferCheck(OfferCheck check) { offer_check_ = std::move(check); }

  // Test hook: when set, the server-side anonymization is skipped (the uploaded pixels are only
  // re-encoded). Exists only so a test can prove that the invariant-2 test notices; never set
  // it elsewhere.
  void SkipServerAnonymizationForTest(bool skip) { anonymizer_.SkipForTest(skip); }

 private:
  store::Store* store_;
  store::BlobStore* blobs_;
  ServerAnonymizer anonymizer_;
  Clock* clock_;
  IngestOptions options_;
  OfferCheck offer_check_;
  std::function<Status()> space_check_;
};

}  // namespace tilsyn::pipeline
