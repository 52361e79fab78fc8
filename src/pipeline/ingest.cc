#include "pipeline/ingest.h"

#include <algorithm>

#include "core/crypto.h"
#include "core/log.h"
#include "imaging/jpeg.h"
#include "pipeline/observation_metadata.h"
#include "tasks/planner.h"

namespace tilsyn::pipeline {
namespace {

constexpr int64_t kDayMs = 86'400'000;

}  // namespace

Ingest::Ingest(store::Store* store, store::BlobStore* blobs, AnonymizerFactory anonymizers,
               Clock* clock, IngestOptions options)
    : store_(store),
      blobs_(blobs),
      anonymizer_(std::move(anonymizers)),
      clock_(clock),
      options_(options) {}

Result<IngestResult> Ingest::Accept(const std::string& vehicle_id, const Json& metadata,
                                    const std::string& jpeg) {
  const TimeMs now = clock_->NowMs();
  TILSYN_ASSIGN_OR_RETURN(ObservationMetadata m, ParseObservationMetadata(metadata, now));

  // A repeat upload (the agent did not see our answer) gets the stored observation back, even
  // when the job has ended since: the first upload was accepted.
  Result<store::Observation> existing = store_->GetObservation(m.id);
  if (existing.ok()) {
    if (existing->vehicle_id != vehicle_id) {
      return Status::AlreadyExists("observation id is taken");
    }
    return IngestResult{false, std::move(*existing)};
  }
  if (existing.status().code() != Code::kNotFound) return existing.status();

  // A capture the jobs do not allow is refused and counted for the processing record.
  auto refuse = [&](const std::string& task_id, Status st) -> Status {
    store::RefusalRecord r;
    r.at = now;
    r.vehicle_id = vehicle_id;
    r.job_id = m.job_id;
    r.task_id = task_id;
    r.reason = st.message();
    r.field = st.field();
    Status rec = store_->RecordRefusal(r);
    if (!rec.ok()) LogWarn("refusal_not_recorded", {{"error", rec.ToString()}});
    return st;
  };
  Result<tasks::CaptureJob> job = store_->GetJob(m.job_id);
  if (!job.ok()) {
    if (job.status().code() == Code::kNotFound) {
      return refuse("", Status::FailedPrecondition("no such capture job", "job_id"));
    }
    return job.status();
  }
  TILSYN_ASSIGN_OR_RETURN(tasks::Task task, store_->GetTask(job->task_id));
  if (!job->active || task.status != tasks::TaskStatus::kActive) {
    return refuse(task.id, Status::FailedPrecondition("task is not active", "job_id"));
  }
  // A capture made under an older version of the job than the current one was made while the
  // vehicle held the job as offered to it (a vehicle only receives a job it is offered) and had
  // not yet synced the change, e.g. offline through a coverage run: it is kept, not lost.
  const bool made_under_earlier_offer = m.job_version && *m.job_version < job->version;
  if (offer_check_ && !made_under_earlier_offer &&
      !offer_check_(task.id, vehicle_id, m.captured_ms)) {
    return refuse(task.id, Status::FailedPrecondition(
                               "the job is not offered to this vehicle (the planner offers it to "
                               "the vehicles that pass the site most)",
                               "job_id"));
  }
  tasks::CaptureFix fix;
  fix.time = m.captured_ms;
  fix.pos = {m.lat, m.lon};
  fix.heading_deg = m.heading_deg;
  fix.speed_kmh = m.speed_kmh;
  if (Status st = tasks::CheckCapture(*job, fix); !st.ok()) {
    return st.code() == Code::kFailedPrecondition ? refuse(task.id, st) : st;
  }

  // Refuse rather than accept what could not be finished (the vehicle keeps it and retries).
  if (space_check_) TILSYN_RETURN_IF_ERROR(space_check_());

  // Either anonymize again in memory and re-encode (which drops EXIF), or check that the bytes
  // decode and leave them, encrypted and unreadable, for the worker's pass (invariant 2).
  std::string image;
  Json server_report;  // null: the server's pass is still to come
  if (options_.anonymize_in_worker) {
    TILSYN_RETURN_IF_ERROR(imaging::DecodeJpeg(jpeg).status());
    image = jpeg;
  } else {
    TILSYN_ASSIGN_OR_RETURN(ServerAnonymizer::Cleaned clean, anonymizer_.Clean(jpeg, &*job));
    image = std::move(clean.jpeg);
    server_report = clean.report.ToJson();
  }

  store::Observation obs;
  obs.id = m.id;
  obs.task_id = task.id;
  obs.job_id = job->id;
  obs.vehicle_id = vehicle_id;
  obs.captured_ms = m.captured_ms;
  obs.lat = m.lat;
  obs.lon = m.lon;
  obs.heading_deg = m.heading_deg;
  obs.speed_kmh = m.speed_kmh;
  obs.accuracy_m = m.accuracy_m;
  obs.blob_key = m.id + ".jpg";
  obs.image_sha256 = server_report.is_null() ? "" : Sha256Hex(image);
  obs.anonymization = {{"vehicle", m.anonymization}, {"server", server_report}};
  obs.state = server_report.is_null() ? store::ObservationState::kReceived
                                      : store::ObservationState::kStored;
  obs.received_ms = obs.updated_ms = now;

  store::BlobRecord blob;
  blob.key = obs.blob_key;
  blob.observation_id = obs.id;
  blob.task_id = task.id;
  blob.size = static_cast<int64_t>(image.size());
  blob.created_ms = now;
  // Retention runs from receipt, not capture: an upload that arrives late (a vehicle offline for
  // months, a replay) must not expire before it is assessed. The sweeper also skips images of
  // observations not yet assessed; assessment sets the final deadline (pipeline.cc).
  blob.delete_after_ms =
      std::max(m.captured_ms, now) + static_cast<int64_t>(task.retention.evidence_days) * kDayMs;

  TILSYN_RETURN_IF_ERROR(blobs_->Put(blob.key, image));
  Result<bool> inserted = store_->InsertObservation(obs, blob);
  if (!inserted.ok() || !*inserted) {
    // Leave nothing behind — unless a concurrent upload of the same observation won the insert:
    // the key is the same, so the bytes are now that observation's image.
    Result<store::Observation> winner = store_->GetObservation(obs.id);
    if (!winner.ok() && winner.status().code() != Code::kNotFound) {
      // Cannot tell whether the insert committed (its answer was lost and the store is not
      // answering now): keep the bytes, since they may be a stored observation's image; the
      // vehicle retries and the repeat finds the row or writes the same key again.
      return winner.status();
    }
    if (!winner.ok()) {
      Status del = blobs_->Delete(blob.key);
      if (!del.ok())
        LogError("ingest_cleanup_failed", {{"key", blob.key}, {"error", del.ToString()}});
      return inserted.ok() ? Status::Internal("observation insert did not happen")
                           : inserted.status();
    }
    return IngestResult{false, std::move(*winner)};
  }

  Status pos = store_->UpdateVehiclePosition(vehicle_id, m.lat, m.lon, m.captured_ms);
  if (!pos.ok()) LogWarn("vehicle_position_not_updated", {{"error", pos.ToString()}});
  LogInfo("observation_stored",
          {{"observation_id", obs.id},
           {"task_id", obs.task_id},
           {"vehicle_id", vehicle_id},
           {"state", std::string(store::ToString(obs.state))},
           {"server_counts",
            server_report.is_null() ? Json() : server_report.value("counts", Json())}});
  return IngestResult{true, std::move(obs)};
}

}  // namespace tilsyn::pipeline
