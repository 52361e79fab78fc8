// Agent: the vehicle's capture loop (value-chain step 3). For each GPS fix it syncs capture jobs
// every sync_interval_s of GPS time, asks the Trigger per job, and on a capture takes a frame,
// anonymizes it in memory, encodes a metadata-free JPEG and stores it with its metadata in the
// crash-safe Outbox; the Uploader drains the outbox on its own thread (starting with whatever a
// previous run left behind). At the end of the GPS stream it waits up to drain_timeout_s for the
// outbox to empty and reports a summary. One Agent runs on one thread; `stop` may be set from a
// signal handler or another thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "agent/agent_config.h"
#include "agent/camera/camera.h"
#include "agent/gps/gps_source.h"
#include "agent/heartbeat_sender.h"
#include "agent/job_cache.h"
#include "agent/job_source.h"
#include "agent/outbox.h"
#include "agent/service/service_notify.h"
#include "agent/trigger.h"
#include "agent/uploader.h"
#include "core/clock.h"
#include "imaging/anonymizer.h"
#include "imaging/text/protected_text.h"

namespace tilsyn::agent {

struct AgentSummary {
  std::string vehicle;
  int64_t fixes = 0;
  int64_t captures = 0;                   // observations stored in the outbox
  int64_t captures_outside_geofence = 0;  // re-checked against the job's area; must stay 0
  int64_t capture_errors = 0;             // camera/anonymizer/encoder/outbox failures
  int64_t uploaded = 0;
  int64_t duplicates = 0;
  int64_t rejected = 0;
  int64_t pending = 0;  // still in the outbox at the end
  int64_t dropped = 0;  // waited beyond the outbox caps: recorded in rejected/, image deleted
  int64_t bad_gps_records = 0;
  int64_t stale_fixes_ignored = 0;       // trigger checks skipped: fix older than max_fix_age_s
  int64_t inaccurate_fixes_ignored = 0;  // … accuracy worse than max_accuracy_m
  int64_t frames_out_of_sync = 0;        // frames too far from their fix (max_frame_offset_m)
  int64_t sync_errors = 0;
  int64_t resumed_skipped = 0;            // fixes already handled by a previous run
  int64_t heartbeats_sent = 0;            // heartbeats the server answered 200
  int64_t heartbeats_failed = 0;          // heartbeats that did not reach it
  std::map<std::string, int64_t> passes;  // job id -> passes through its fence
  bool stopped = false;                   // ended by the stop flag, not the end of the trace
  // The one-line JSON printed at the end.
  Json ToJson() const;
};

// The seams an Agent runs on; Create() fills them from the config, tests inject fakes.
struct AgentDeps {
  Clock* clock = nullptr;
  std::unique_ptr<GpsSource> gps;
  std::unique_ptr<Camera> camera;
  std::unique_ptr<imaging::Anonymizer> anonymizer;
  std::unique_ptr<JobSource> jobs;
  // Builds the anonymizer for changed remote settings (detectors, person mode); empty = this
  // agent refuses settings that change its anonymizer (reported as the heartbeat's config_error).
  std::function<Result<std::unique_ptr<imaging::Anonymizer>>(const AgentConfig&)> make_anonymizer;
};

class Agent {
 public:
  // Validates `config` and opens everything it names (GPS file or gpsd, camera, cascades, data
  // folder). A gpsd source connects lazily, on the first fix, and keeps reconnecting.
  // InvalidArgument/NotFound naming the config field on a problem.
  static Result<std::unique_ptr<Agent>> Create(const AgentConfig& config, Clock* clock);
  // Uses the given seams (none may be null); opens the data folder (outbox, jobs.json).
  static Result<std::unique_ptr<Agent>> CreateWith(const AgentConfig& config, AgentDeps deps);
  ~Agent();

  // Runs until the GPS stream ends or *stop becomes true (checked between fixes, and by a live
  // gpsd source while it waits). Returns the summary; an error only when the GPS source itself
  // fails.
  Result<AgentSummary> Run(const std::atomic<bool>* stop = nullptr);

  const JobCache& jobs() const { return cache_; }
  // The config in effect: the local one with the remote settings applied.
  const AgentConfig& config() const { return config_; }
  // The remote settings version in effect (0 = none) and why the newest was not applied.
  int64_t settings_version() const;
  // What the heartbeat reports now. Thread-safe.
  tasks::Heartbeat HeartbeatSnapshot() const;

 private:
  Agent(const AgentConfig& config, AgentDeps deps, JobCache cache, std::unique_ptr<Outbox> outbox);
  void SyncJobs();
  void HandleFix(const GpsFix& fix);
  Status Capture(const tasks::CaptureJob& job, const GpsFix& fix);
  // <data_dir>/state.json: the last fix handled and the trigger state, written after each capture
  // and at the end, so a restarted replay resumes instead of capturing the same passes again.
  void LoadState();
  // Applies the outbox caps of the config (agent/outbox.h); a failure is logged, not fatal.
  void EnforceOutboxLimits();
  void SaveState(TimeMs last_fix);
  // Applies a remote settings document {"version", "settings"} (tasks/agent_settings.h) over the
  // local config, without a restart; on success it is kept in <data_dir>/agent_settings.json so
  // a restart without network runs it too. A document that cannot be applied leaves everything
  // as it was and is reported (heartbeat config_error) — tried once per version.
  void ApplySettings(const Json& doc, bool persist);

  const AgentConfig local_config_;  // as started (flags, file, environment)
  AgentConfig config_;              // local_config_ + the remote settings in effect
  AgentDeps deps_;
  JobCache cache_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Uploader> uploader_;
  std::unique_ptr<ServiceNotifier> service_;  // systemd: ready, status, watchdog (Run only)
  Trigger trigger_;
  imaging::EvidenceGuard evidence_;  // keeps a text job's sign readable (protected evidence)
  AgentSummary summary_;
  std::optional<TimeMs> last_sync_gps_;
  std::optional<TimeMs> resume_after_;  // fixes at or before this were handled by an earlier run
  std::unique_ptr<HeartbeatSender> heartbeat_;
  // Shared with the heartbeat thread.
  mutable std::mutex state_mu_;
  int64_t settings_version_ = 0;
  int64_t failed_settings_version_ = 0;
  std::string settings_error_;
  std::optional<GpsFix> last_fix_;
  std::optional<int64_t> clock_offset_ms_;
};

}  // namespace tilsyn::agent
