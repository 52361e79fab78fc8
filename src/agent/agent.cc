#include "agent/agent.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "agent/camera/folder_camera.h"
#include "agent/camera/frame_sync.h"
#include "agent/camera/live_camera.h"
#include "agent/camera/video_camera.h"
#include "agent/gps/gpsd_source.h"
#include "agent/gps/replay_source.h"
#include "agent/outbox_key.h"
#include "core/file_util.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/time_format.h"
#include "core/version.h"
#include "imaging/jpeg.h"
#include "net/http_client.h"
#include "tasks/agent_settings.h"

namespace tilsyn::agent {
namespace {

// Cameras may give grayscale, BGRA or 16-bit frames; the anonymizer wants 8-bit BGR.
Status ToBgr8(cv::Mat& m) {
  try {
    if (m.empty()) return Status::Internal("camera returned an empty frame");
    if (m.depth() != CV_8U) {
      cv::Mat tmp;
      m.convertTo(tmp, CV_8U, m.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
      m = tmp;
    }
    if (m.channels() == 1) {
      cv::cvtColor(m, m, cv::COLOR_GRAY2BGR);
    } else if (m.channels() == 4) {
      cv::cvtColor(m, m, cv::COLOR_BGRA2BGR);
    } else if (m.channels() != 3) {
      return Status::Internal("camera frame has " + std::to_string(m.channels()) + " channels");
    }
    return Status::Ok();
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("frame conversion failed: ") + e.what());
  }
}

}  // namespace

Json AgentSummary::ToJson() const {
  Json p = Json::object();
  for (const auto& [id, n] : passes) p[id] = n;
  return Json{{"vehicle", vehicle},
              {"fixes", fixes},
              {"captures", captures},
              {"captures_outside_geofence", captures_outside_geofence},
              {"capture_errors", capture_errors},
              {"uploaded", uploaded},
              {"duplicates", duplicates},
              {"rejected", rejected},
              {"pending", pending},
              {"dropped", dropped},
              {"bad_gps_records", bad_gps_records},
              {"stale_fixes_ignored", stale_fixes_ignored},
              {"inaccurate_fixes_ignored", inaccurate_fixes_ignored},
              {"frames_out_of_sync", frames_out_of_sync},
              {"sync_errors", sync_errors},
              {"resumed_skipped", resumed_skipped},
              {"heartbeats_sent", heartbeats_sent},
              {"heartbeats_failed", heartbeats_failed},
              {"stopped", stopped},
              {"passes", p}};
}

Result<std::unique_ptr<Agent>> Agent::Create(const AgentConfig& config, Clock* clock) {
  TILSYN_RETURN_IF_ERROR(config.Validate());
  AgentDeps deps;
  deps.clock = clock;
  if (!config.gpsd.empty()) {
    TILSYN_ASSIGN_OR_RETURN(GpsdOptions gpsd, ParseGpsdAddress(config.gpsd));
    deps.gps = std::make_unique<GpsdSource>(std::move(gpsd));
  } else {
    TILSYN_ASSIGN_OR_RETURN(deps.gps,
                            ReplaySource::Open(config.gps_file, config.speed_factor, clock));
  }
  if (!config.camera.empty()) {
    LiveCameraOptions live;
    live.source = config.camera;
    live.max_frame_age_ms = static_cast<int>(config.max_frame_age_ms);
    live.fixes_on_wall_clock = !config.gpsd.empty();
    TILSYN_ASSIGN_OR_RETURN(deps.camera, LiveCamera::Open(std::move(live)));
  } else if (!config.camera_dir.empty()) {
    TILSYN_ASSIGN_OR_RETURN(deps.camera, FolderCamera::Open(config.camera_dir));
  } else {
    TILSYN_ASSIGN_OR_RETURN(deps.camera, VideoCamera::Open(config.video));
  }
  Result<imaging::AnonymizerFactory> anonymizers = imaging::MakeAnonymizerFactory(
      config.cascade_dir, config.anonymizer_detectors, config.anonymizer_person_mode);
  if (!anonymizers.ok()) {
    const Status& st = anonymizers.status();
    return st.field().empty() ? st.WithField("cascade_dir") : st;
  }
  TILSYN_ASSIGN_OR_RETURN(deps.anonymizer, (*anonymizers)());
  deps.make_anonymizer = [](const AgentConfig& c) -> Result<std::unique_ptr<imaging::Anonymizer>> {
    TILSYN_ASSIGN_OR_RETURN(imaging::AnonymizerFactory f,
                            imaging::MakeAnonymizerFactory(c.cascade_dir, c.anonymizer_detectors,
                                                           c.anonymizer_person_mode));
    return f();
  };
  net::InitHttpClient();
  deps.jobs = NewHttpJobSource(config.server_url, config.token, config.Trust());
  return CreateWith(config, std::move(deps));
}

Result<std::unique_ptr<Agent>> Agent::CreateWith(const AgentConfig& config, AgentDeps deps) {
  if (!deps.clock || !deps.gps || !deps.camera || !deps.anonymizer || !deps.jobs) {
    return Status::Internal("agent dependency missing");
  }
  Result<JobCache> cache = JobCache::Load(config.data_dir);
  if (!cache.ok()) return cache.status().WithField("data_dir");
  TILSYN_ASSIGN_OR_RETURN(std::string outbox_key, ResolveOutboxKey(config));
  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(config.data_dir, std::move(outbox_key));
  if (!outbox.ok()) return outbox.status().WithField("data_dir");
  net::InitHttpClient();
  return std::unique_ptr<Agent>(
      new Agent(config, std::move(deps), std::move(cache).value(), std::move(outbox).value()));
}

Agent::Agent(const AgentConfig& config, AgentDeps deps, JobCache cache,
             std::unique_ptr<Outbox> outbox)
    : local_config_(config),
      config_(config),
      deps_(std::move(deps)),
      cache_(std::move(cache)),
      outbox_(std::move(outbox)),
      trigger_(TriggerOptions{.max_fix_age_ms = config_.EffectiveMaxFixAgeMs(),
                              .max_accuracy_m = config_.max_accuracy_m,
                              .clock = deps_.clock}) {
  UploaderOptions uo;
  uo.server_url = config_.server_url;
  uo.token = config_.token;
  uo.trust = config_.Trust();
  uo.upload_windows = config_.upload_windows;
  uo.upload_time_zone = config_.upload_time_zone;
  uploader_ = std::make_unique<Uploader>(outbox_.get(), deps_.clock, uo);
  summary_.vehicle = config_.vehicle_id;
}

int64_t Agent::settings_version() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return settings_version_;
}

tasks::Heartbeat Agent::HeartbeatSnapshot() const {
  tasks::Heartbeat h;
  h.sent_at = deps_.clock->NowMs();
  h.software_version = kSoftwareVersion;
  h.camera = deps_.camera->State();
  const OutboxStats os = outbox_->Stats();
  h.outbox_depth = os.depth;
  h.outbox_oldest_age_s = os.oldest_age_s;
  h.outbox_dropped = outbox_->dropped();
  std::lock_guard<std::mutex> lock(state_mu_);
  h.config_version = settings_version_;
  h.config_error = settings_error_;
  if (last_fix_) {
    h.fix = tasks::HeartbeatFix{last_fix_->pos.lat, last_fix_->pos.lon, last_fix_->accuracy_m,
                                last_fix_->time};
  }
  h.clock_offset_ms = clock_offset_ms_;
  return h;
}

void Agent::ApplySettings(const Json& doc, bool persist) {
  if (!doc.is_object() || !doc.contains("version") || !doc["version"].is_number_integer() ||
      !doc.contains("settings")) {
    LogWarn("agent.settings_malformed", {{"vehicle", config_.vehicle_id}});
    return;
  }
  const int64_t version = doc["version"].get<int64_t>();
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    if (version == settings_version_ || version == failed_settings_version_) return;
  }
  const Json& settings = doc["settings"];
  // Over the LOCAL config: a setting the newest version no longer names goes back to its local
  // value instead of keeping an older version's.
  AgentConfig next = local_config_;
  Status st = tasks::ValidateAgentSettings(settings);
  if (st.ok()) st = ApplyConfigJson(settings, &next);
  if (st.ok()) st = next.Validate();
  std::unique_ptr<imaging::Anonymizer> anonymizer;
  const bool new_anonymizer = next.anonymizer_detectors != config_.anonymizer_detectors ||
                              next.anonymizer_person_mode != config_.anonymizer_person_mode;
  if (st.ok() && new_anonymizer) {
    if (!deps_.make_anonymizer) {
      st = Status::FailedPrecondition("this agent cannot change its anonymizer remotely");
    } else {
      Result<std::unique_ptr<imaging::Anonymizer>> a = deps_.make_anonymizer(next);
      if (a.ok())
        anonymizer = std::move(a).value();
      else
        st = a.status();
    }
  }
  if (!st.ok()) {
    std::lock_guard<std::mutex> lock(state_mu_);
    failed_settings_version_ = version;
    settings_error_ = "version " + std::to_string(version) + ": " + st.ToString();
    LogWarn("agent.settings_refused",
            {{"vehicle", config_.vehicle_id}, {"version", version}, {"error", st.ToString()}});
    return;
  }
  if (anonymizer) deps_.anonymizer = std::move(anonymizer);
  config_ = next;
  trigger_.SetLimits(config_.EffectiveMaxFixAgeMs(), config_.max_accuracy_m);
  uploader_->SetUploadWindows(config_.upload_windows, config_.upload_time_zone);
  deps_.camera->SetMaxFrameAgeMs(config_.max_frame_age_ms);
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    settings_version_ = version;
    settings_error_.clear();
  }
  if (persist) {
    Status w = WriteFileAtomic(config_.data_dir + "/agent_settings.json", doc.dump());
    if (!w.ok()) LogWarn("agent.settings_write_failed", {{"error", w.ToString()}});
  }
  LogInfo("agent.settings_applied",
          {{"vehicle", config_.vehicle_id}, {"version", version}, {"settings", settings}});
}

Agent::~Agent() {
  heartbeat_.reset();  // its thread reads the state below
  if (uploader_) uploader_->Stop();
}

void Agent::SyncJobs() {
  Result<Json> body = deps_.jobs->Fetch(cache_.version(), settings_version());
  Status st = body.ok() ? cache_.ApplyDelta(*body) : body.status();
  if (st.ok() && body->contains("agent_config")) ApplySettings((*body)["agent_config"], true);
  if (!st.ok()) {
    ++summary_.sync_errors;
    LogWarn("agent.sync_failed", {{"vehicle", config_.vehicle_id}, {"error", st.ToString()}});
    if (service_)
      service_->Status("cannot reach the server (keeps capturing known jobs): " + st.message());
    return;
  }
  trigger_.Retain(cache_.Ids());
  LogDebug("agent.synced", {{"version", cache_.version()}, {"jobs", cache_.jobs().size()}});
}

Status Agent::Capture(const tasks::CaptureJob& job, const GpsFix& fix) {
  TILSYN_ASSIGN_OR_RETURN(Frame taken, deps_.camera->Capture(fix));
  // A frame too far from its fix would carry a wrong position: dropped (unseen: nothing was
  // anonymized, encoded or stored), counted, and the next fix in the fence tries again.
  const double offset_m = FrameOffsetM(taken.time, fix);
  if (config_.max_frame_offset_m > 0 && offset_m > config_.max_frame_offset_m) {
    ++summary_.frames_out_of_sync;
    LogWarn("agent.frame_out_of_sync", {{"vehicle", config_.vehicle_id},
                                        {"job_id", job.id},
                                        {"frame_delay_ms", taken.time - fix.time},
                                        {"offset_m", offset_m},
                                        {"limit_m", config_.max_frame_offset_m}});
    return Status::Ok();
  }
  cv::Mat frame = std::move(taken.image);
  taken.image.release();
  TILSYN_RETURN_IF_ERROR(ToBgr8(frame));
  // Privacy invariant 2: pixels are blurred here, in memory, before anything is encoded or stored.
  // A text job's sign stays readable unless a confident face or plate covers it.
  const std::optional<imaging::TextEvidence> evidence = imaging::EvidenceOf(job);
  TILSYN_ASSIGN_OR_RETURN(
      imaging::AnonymizationReport report,
      evidence_.Anonymize(*deps_.anonymizer, frame, evidence ? &*evidence : nullptr));
  TILSYN_ASSIGN_OR_RETURN(std::string jpeg, imaging::EncodeJpeg(frame, config_.jpeg_quality));
  frame.release();

  const std::string id = NewUuid();
  Json meta = {{"id", id},           {"job_id", job.id},   {"captured_at", FormatIso8601(fix.time)},
               {"lat", fix.pos.lat}, {"lon", fix.pos.lon}, {"anonymization", report.ToJson()}};
  if (job.version > 0) meta["job_version"] = job.version;
  if (fix.heading_deg) meta["heading_deg"] = *fix.heading_deg;
  if (fix.speed_kmh) meta["speed_kmh"] = *fix.speed_kmh;
  if (fix.accuracy_m) meta["accuracy_m"] = *fix.accuracy_m;
  TILSYN_RETURN_IF_ERROR(outbox_->Put(id, meta.dump(), jpeg));
  EnforceOutboxLimits();

  trigger_.MarkCaptured(job.id, fix.time);
  SaveState(fix.time);
  ++summary_.captures;
  // Re-check independently of the trigger: this count is the privacy invariant's witness.
  if (!job.area.Contains(fix.pos)) ++summary_.captures_outside_geofence;
  LogInfo("agent.captured", {{"vehicle", config_.vehicle_id},
                             {"id", id},
                             {"job_id", job.id},
                             {"captured_at", meta["captured_at"]},
                             {"frame_delay_ms", taken.time - fix.time}});
  uploader_->Notify();
  return Status::Ok();
}

void Agent::HandleFix(const GpsFix& fix) {
  ++summary_.fixes;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    last_fix_ = fix;
    // Live GPS carries the true time: how far the vehicle's clock is off (replays carry history).
    if (!config_.gpsd.empty()) clock_offset_ms_ = deps_.clock->NowMs() - fix.time;
  }
  if (!last_sync_gps_) {
    last_sync_gps_ = fix.time;  // the start-up sync counts as this fix's
  } else if (fix.time - *last_sync_gps_ >= config_.sync_interval_s * 1000) {
    SyncJobs();
    last_sync_gps_ = fix.time;
  }
  for (const auto& [id, job] : cache_.jobs()) {
    if (!trigger_.Update(job, fix)) continue;
    Status st = Capture(job, fix);
    if (!st.ok()) {
      ++summary_.capture_errors;
      LogError("agent.capture_failed",
               {{"vehicle", config_.vehicle_id}, {"job_id", id}, {"error", st.ToString()}});
    }
  }
}

void Agent::LoadState() {
  // The remote settings a previous run applied: in force before the first sync (or without one).
  if (Result<std::string> s = ReadFile(config_.data_dir + "/agent_settings.json"); s.ok()) {
    Result<Json> doc = ParseJson(*s);
    if (doc.ok()) ApplySettings(*doc, false);
  }
  Result<std::string> text = ReadFile(config_.data_dir + "/state.json");
  if (!text.ok()) return;
  Result<Json> j = ParseJson(*text);
  if (!j.ok() || !j->is_object()) {
    LogWarn("agent.state_unreadable", {{"vehicle", config_.vehicle_id}});
    return;
  }
  if (j->contains("last_fix_ms") && (*j)["last_fix_ms"].is_number_integer()) {
    resume_after_ = (*j)["last_fix_ms"].get<TimeMs>();
  }
  if (j->contains("trigger")) trigger_.RestoreState((*j)["trigger"]);
}

void Agent::EnforceOutboxLimits() {
  const OutboxLimits limits{config_.outbox_max_mb << 20, config_.outbox_max_age_days * 86'400};
  Result<int> dropped = outbox_->EnforceLimits(limits);
  if (!dropped.ok())
    LogWarn("agent.outbox_limits_failed", {{"error", dropped.status().ToString()}});
}

void Agent::SaveState(TimeMs last_fix) {
  Json j = {{"last_fix_ms", last_fix}, {"trigger", trigger_.SaveState()}};
  Status st = WriteFileAtomic(config_.data_dir + "/state.json", j.dump());
  if (!st.ok()) LogWarn("agent.state_write_failed", {{"error", st.ToString()}});
}

Result<AgentSummary> Agent::Run(const std::atomic<bool>* stop) {
  LoadState();
  deps_.gps->SetStop(stop);
  std::optional<TimeMs> last_fix;
  LogInfo("agent.start", {{"vehicle", config_.vehicle_id},
                          {"jobs", cache_.jobs().size()},
                          {"job_version", cache_.version()},
                          {"outbox", outbox_->Count()}});
  EnforceOutboxLimits();  // a vehicle that stood for weeks: expired observations go first
  uploader_->Start();     // crash recovery: leftovers from a previous run go first
  service_ = std::make_unique<ServiceNotifier>();
  service_->Status("waiting for a GPS fix");
  SyncJobs();
  if (config_.heartbeat_interval_s > 0) {
    HeartbeatOptions ho;
    ho.server_url = config_.server_url;
    ho.token = config_.token;
    ho.trust = config_.Trust();
    ho.interval_ms = std::max<int64_t>(1, std::llround(config_.heartbeat_interval_s * 1000));
    heartbeat_ =
        std::make_unique<HeartbeatSender>(std::move(ho), [this] { return HeartbeatSnapshot(); });
    heartbeat_->Start();
  }
  service_->Ready();
  Status failure;
  while (true) {
    service_->Progress();
    if (stop && stop->load()) {
      summary_.stopped = true;
      break;
    }
    service_->Waiting(true);  // no fix for a long time is a reason to wait, not to restart
    Result<std::optional<GpsFix>> fix = deps_.gps->Next();
    service_->Waiting(false);
    if (!fix.ok()) {
      failure = fix.status();
      LogError("agent.gps_failed", {{"error", failure.ToString()}});
      break;
    }
    if (!*fix) {
      // A live source ends its stream only when told to stop.
      if (stop && stop->load()) summary_.stopped = true;
      break;
    }
    if (resume_after_ && (*fix)->time <= *resume_after_) {
      ++summary_.resumed_skipped;
      continue;
    }
    if (!last_fix) service_->Status("running: first GPS fix received");
    HandleFix(**fix);
    last_fix = (*fix)->time;
  }
  if (last_fix) SaveState(*last_fix);
  if (!summary_.stopped && failure.ok()) {
    if (!uploader_->WaitUntilEmpty(config_.drain_timeout_s * 1000)) {
      LogWarn("agent.drain_timeout", {{"pending", outbox_->Count()}});
    }
  }
  uploader_->Stop();
  if (heartbeat_) {  // the last word: what is left in the outbox as the agent stops
    heartbeat_->Stop();
    (void)heartbeat_->SendNow();
    summary_.heartbeats_sent = heartbeat_->sent();
    summary_.heartbeats_failed = heartbeat_->failed();
    heartbeat_.reset();
  }
  UploadStats us = uploader_->stats();
  summary_.uploaded = us.uploaded;
  summary_.duplicates = us.duplicates;
  summary_.rejected = us.rejected;
  summary_.pending = static_cast<int64_t>(outbox_->Count());
  summary_.dropped = outbox_->dropped();
  summary_.bad_gps_records = deps_.gps->bad_records();
  summary_.stale_fixes_ignored = trigger_.stale_ignored();
  summary_.inaccurate_fixes_ignored = trigger_.inaccurate_ignored();
  summary_.passes = trigger_.passes();
  for (const auto& [id, _] : cache_.jobs()) summary_.passes.emplace(id, 0);
  service_.reset();
  if (!failure.ok()) return failure;
  return summary_;
}

}  // namespace tilsyn::agent
