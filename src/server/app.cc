// StartApp: wires a running `tilsyn serve` from a ServerConfig. Owns every component; the order
// of members is the order of construction, and Stop() takes the HTTP server down before the
// pipeline so no request can reach a stopped worker.
#include "server/app.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "actions/action.h"
#include "core/file_util.h"
#include "core/log.h"
#include "core/time_format.h"
#include "coverage/basemap/basemap.h"
#include "coverage/coverage_cli.h"
#include "coverage/history/dir_position_history.h"
#include "coverage/vehicle_selection.h"
#include "imaging/anonymizer.h"
#include "imaging/model_pack.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "pipeline/ingest.h"
#include "pipeline/pipeline.h"
#include "recognition/registry.h"
#include "recognition/service_config.h"
#include "recognition/store_stats.h"
#include "server/api/api.h"
#include "server/coverage_schedule.h"
#include "server/evaluation.h"
#include "server/image_keys.h"
#include "server/smtp_config.h"
#include "server/unvisited_actions.h"
#include "store/blob_store.h"
#include "store/encrypted_blob_store.h"

namespace tilsyn::server {
namespace {

// <host name>:<absolute data folder>: the same after a restart (so the worker takes its own
// leases back at once), different for two workers on one host (they have their own folders).
std::string DefaultWorkerName(const std::string& data_dir) {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "host");
  std::error_code ec;
  std::string dir = std::filesystem::absolute(data_dir, ec).lexically_normal().string();
  return std::string(host) + ":" + (ec ? data_dir : dir);
}

// The service code, api_key and jurisdiction of the task's Open311 action whose endpoint is the
// run's target (empty when the task no longer has it).
actions::Open311Settings Open311For(store::Store* store, const store::ActionRunRecord& run) {
  Result<tasks::Task> task = store->GetTask(run.task_id);
  if (!task.ok()) return {};
  for (const auto& a : task->actions) {
    if (a.type == "open311" && a.url == run.target)
      return {a.service_code, a.secret, a.jurisdiction_id};
  }
  return {};
}

// The webhook secret of the task's webhook action whose URL is the run's target.
std::string WebhookSecret(store::Store* store, const store::ActionRunRecord& run) {
  Result<tasks::Task> task = store->GetTask(run.task_id);
  if (!task.ok()) return "";
  for (const auto& a : task->actions) {
    if (a.type == "webhook" && a.url == run.target) return a.secret;
  }
  return "";
}

class AppImpl : public App {
 public:
  AppImpl(const ServerConfig& config, Clock* clock) : config_(config), clock_(clock) {}
  ~AppImpl() override { Stop(); }

  Status Start() {
    TILSYN_RETURN_IF_ERROR(MakeDirs(config_.data_dir));
    // Images at rest are encrypted (invariant 6): no key, no server.
    TILSYN_ASSIGN_OR_RETURN(store::ImageKeyring keyring, ResolveImageKeyring(config_));
    TILSYN_ASSIGN_OR_RETURN(store_, store::OpenStore(config_.StoreLocation()));
    TILSYN_ASSIGN_OR_RETURN(std::unique_ptr<store::BlobStore> files,
                            store::OpenBlobStore(config_.ImageLocation()));
    blobs_ = store::NewEncryptedBlobStore(std::move(files), std::move(keyring));

    // Configured services behind the router (default: the built-ins of DefaultSpecs in fixed
    // order); unknown types or bad settings fail here, naming the field.
    recognition::RegisterAllTypes(registry_);
    TILSYN_ASSIGN_OR_RETURN(auto rconfig, recognition::ParseRecognitionConfig(
                                              config_.recognizers, config_.routing, registry_));
    // A pack installed by `tilsyn models install` replaces the project's; a broken one stops
    // the start rather than silently serving the old labels.
    if (std::error_code ec;
        std::filesystem::is_regular_file(config_.data_dir + "/models/manifest.json", ec)) {
      rconfig.installed_pack = config_.data_dir + "/models";
      TILSYN_RETURN_IF_ERROR(
          imaging::LoadModelPack(rconfig.installed_pack).status().Annotate("installed model pack"));
    }
    TILSYN_ASSIGN_OR_RETURN(
        recognizer_, recognition::BuildRecognitionRouter(
                         rconfig, registry_, clock_, recognition::StoreStatsSource(store_.get())));

    actions::DispatcherOptions dopts;
    dopts.max_attempts = config_.action_max_attempts;
    dopts.base_backoff_ms = config_.action_base_backoff_ms;
    dopts.crash_after_successes_for_test = config_.crash_after_action_successes_for_test;
    dispatcher_ = std::make_unique<actions::Dispatcher>(store_.get(), clock_, dopts);
    dispatcher_->Register("log", actions::NewLogAction());
    store::Store* st = store_.get();
    dispatcher_->Register(
        "webhook", actions::NewWebhookAction(
                       [st](const store::ActionRunRecord& run) { return WebhookSecret(st, run); },
                       config_.webhook_timeout_ms));
    dispatcher_->Register(
        "open311", actions::NewOpen311Action(
                       [st](const store::ActionRunRecord& run) { return Open311For(st, run); },
                       config_.web_url, config_.webhook_timeout_ms, clock_));
    if (!config_.smtp.is_null()) {
      actions::EmailOptions email;
      TILSYN_ASSIGN_OR_RETURN(
          email.smtp, ParseSmtpConfig(config_.smtp,
                                      [](const char* n) -> const char* { return std::getenv(n); }));
      email.web_url = config_.web_url;
      dispatcher_->Register("contractor", actions::NewEmailAction(email, clock_));
      dispatcher_->Register("email", actions::NewEmailAction(std::move(email), clock_));
    } else {
      for (const char* type : {"email", "contractor"}) {
        dispatcher_->Register(type, actions::NewUnavailableAction(
                                        "no SMTP server is configured (\"smtp\" in the server "
                                        "configuration)"));
      }
    }

    pipeline::PipelineOptions popts;
    popts.poll_ms = config_.pipeline_poll_ms;
    popts.crash_after_assessments_for_test = config_.crash_after_assessments_for_test;
    popts.follow_up_every_ms = int64_t{config_.case_follow_up_s} * 1000;
    popts.location_retention_days = config_.location_retention_days;
    if (config_.gps_history_days > 0) {
      // GPS history (the drivers' routes) goes day by day once past its retention.
      const std::string dir = coverage::HistoryDir(config_.data_dir);
      const int64_t keep_days = config_.gps_history_days;
      popts.sweep_more_locations = [dir, keep_days](TimeMs now) -> Result<int> {
        coverage::DirPositionHistory history(dir);
        TILSYN_ASSIGN_OR_RETURN(
            int64_t n, coverage::DeleteHistoryBefore(history, coverage::DayOf(now) - keep_days));
        if (n > 0) LogInfo("gps_history_deleted", {{"vehicle_days", n}, {"keep_days", keep_days}});
        return static_cast<int>(n);
      };
    }
    auto coverage_cache =
        std::make_shared<coverage::CoverageCache>(coverage::CoverageFilePath(config_.data_dir));
    // Sites nobody visits: their "unvisited" actions are queued (server/unvisited_actions.h).
    store::Store* visit_store = store_.get();
    const int visit_top_k = config_.coverage_top_k;
    popts.check_visits = [visit_store, coverage_cache, visit_top_k](TimeMs now) {
      return QueueUnvisitedActions(visit_store, coverage_cache.get(), now, visit_top_k);
    };
    popts.check_visits_every_ms = int64_t{config_.visit_check_s} * 1000;
    popts.worker =
        config_.worker_name.empty() ? DefaultWorkerName(config_.data_dir) : config_.worker_name;
    popts.assess_threads = config_.assess_threads;
    popts.action_threads = config_.action_threads;
    pipeline_ = std::make_unique<pipeline::Pipeline>(store_.get(), blobs_.get(), recognizer_.get(),
                                                     dispatcher_.get(), clock_, popts);

    // Fails at start-up, not on the first upload, when detectors are missing or misnamed.
    TILSYN_ASSIGN_OR_RETURN(
        imaging::AnonymizerFactory anonymizers,
        imaging::MakeAnonymizerFactory(config_.cascade_dir, config_.anonymizer_detectors,
                                       config_.anonymizer_person_mode));
    pipeline_->UseServerAnonymizer(anonymizers);
    pipeline::IngestOptions iopts;
    iopts.anonymize_in_worker = config_.anonymize_uploads == "worker";
    ingest_ =
        std::make_unique<pipeline::Ingest>(store_.get(), blobs_.get(), anonymizers, clock_, iopts);
    if (config_.coverage_top_k > 0) {
      // The planner's selection holds at upload too: a vehicle the job is not offered to may not
      // deliver for it — unless it captured before the current report or under an older version
      // of the job, when an earlier selection offered it the job (nothing it was entitled to is
      // lost, even after days offline).
      const int top_k = config_.coverage_top_k;
      ingest_->SetOfferCheck([coverage_cache, top_k](const std::string& task_id,
                                                     const std::string& vehicle, TimeMs captured) {
        return coverage::OfferedAt(coverage_cache.get(), task_id, vehicle, top_k, captured);
      });
    }
    // Images in the folder: refuse uploads (507) before its disk is full. On PostgreSQL a full
    // database answers StorageFull itself (SQLSTATE 53100).
    if (config_.database.empty()) {
      const std::string images_dir = config_.ImageLocation();
      const int64_t reserve = config_.min_free_bytes;
      ingest_->SetSpaceCheck([images_dir, reserve] { return CheckFreeSpace(images_dir, reserve); });
    }

    ApiContext ctx;
    ctx.store = store_.get();
    ctx.blobs = blobs_.get();
    ctx.ingest = ingest_.get();
    ctx.clock = clock_;
    pipeline::Pipeline* p = pipeline_.get();
    // Wakes this process's pipeline, and the workers of other processes on the same database.
    store::Store* s = store_.get();
    ctx.notify = [p, s] {
      p->Notify();
      s->AnnounceWork();
    };
    ctx.web_dir = config_.web_dir.empty() ? DefaultWebDir() : config_.web_dir;
    ctx.tile_url = config_.tile_url;
    ctx.coverage = coverage_cache;
    ctx.coverage_top_k = config_.coverage_top_k;
    ctx.location_retention_days = config_.location_retention_days;
    ctx.gps_history_days = config_.gps_history_days;
    if (!config_.pilot_depot.empty()) {
      ctx.pilot_depot = ParseLatLonText(config_.pilot_depot, "pilot_depot").value();  // validated
    }
    ctx.network = std::make_shared<coverage::NetworkCache>(coverage::NetworkFile(config_.data_dir));
    ctx.basemap = std::make_shared<coverage::BasemapCache>(coverage::BasemapFile(config_.data_dir));
    ctx.capabilities = recognition::CapabilitiesOf(recognizer_->ServiceInfos());
    ctx.email_enabled = !config_.smtp.is_null();
    ctx.http_metrics = std::make_shared<HttpMetrics>();
    ctx.recognizer = recognizer_.get();
    if (config_.rate_limit_per_minute > 0) {
      ctx.rate_limiter = std::make_shared<RateLimiter>(
          clock_, RateLimits{config_.rate_limit_per_minute, config_.rate_limit_burst});
    }
    ctx.uploads = std::make_shared<InflightLimit>(config_.max_concurrent_uploads);
    ctx.vehicle_client_certs = !config_.tls_client_ca.empty();
    ctx.tls = !config_.tls_cert.empty();
    // A worker's port answers only health checks (its load balancer or orchestrator).
    router_ = config_.role == "worker" ? BuildHealthRouter(ctx) : BuildApiRouter(ctx);

    net::HttpServerOptions hopts;
    hopts.address = config_.listen;
    hopts.port = config_.port;
    hopts.max_body_bytes = config_.max_body_bytes;
    hopts.threads = config_.http_threads;
    hopts.tls_cert_file = config_.tls_cert;
    hopts.tls_key_file = config_.tls_key;
    hopts.tls_client_ca_file = config_.tls_client_ca;
    if (config_.tls_cert.empty() && config_.listen != "127.0.0.1" && config_.listen != "::1" &&
        config_.listen != "localhost") {
      LogWarn("server.plain_http", {{"listen", config_.listen},
                                    {"advice",
                                     "tokens and images travel unencrypted: use "
                                     "--tls-cert/--tls-key (or a TLS proxy) beyond "
                                     "loopback"}});
    }
    Router* router = router_.get();
    TILSYN_ASSIGN_OR_RETURN(http_, net::StartHttpServer(hopts, [router](const net::HttpRequest& r) {
                              return router->Handle(r);
                            }));
    if (config_.RunsPipeline()) {
      pipeline_->Start();
      pipeline_started_ = true;
      // Uploads stored by other processes (API instances) wake this one's loops at once.
      if ((listener_ = store_->ListenForWork())) {
        listen_thread_ = std::thread([this] {
          while (!stop_listening_.load()) {
            if (listener_->Wait(500)) pipeline_->Notify();
          }
        });
      }
    }
    if (config_.RunsPipeline() && !config_.coverage_schedule.empty()) {
      coverage_schedule_ = std::make_unique<CoverageSchedule>(
          store_.get(), clock_, config_.data_dir, ParseDailyTime(config_.coverage_schedule),
          config_.coverage_time_zone);
      coverage_schedule_->Start();
      LogInfo("coverage.schedule", {{"next", FormatIso8601(coverage_schedule_->next_run())}});
    }
    LogInfo("server.started", {{"url", base_url()},
                               {"data_dir", config_.data_dir},
                               {"role", config_.role},
                               {"pipeline", config_.RunsPipeline()}});
    return Status::Ok();
  }

  uint16_t port() const override { return http_ ? http_->port() : 0; }

  std::string base_url() const override {
    std::string host = config_.listen;
    if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
    if (host == "::")
      host = "[::1]";
    else if (host.find(':') != std::string::npos)
      host = "[" + host + "]";
    return std::string(config_.tls_cert.empty() ? "http" : "https") + "://" + host + ":" +
           std::to_string(port());
  }

  store::Store* store() override { return store_.get(); }

  Result<int> RunPipelineOnceForTest() override {
    if (!pipeline_) return Status::FailedPrecondition("not started");
    return pipeline_->RunOnce();
  }

  void Stop() override {
    if (stopped_) return;
    stopped_ = true;
    if (http_) http_->Stop();
    stop_listening_ = true;
    if (listen_thread_.joinable()) listen_thread_.join();
    coverage_schedule_.reset();
    if (pipeline_ && pipeline_started_) pipeline_->Stop();
    if (http_) LogInfo("server.stopped", {{"url", base_url()}});
  }

 private:
  ServerConfig config_;
  Clock* clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::BlobStore> blobs_;
  recognition::Registry registry_;
  std::unique_ptr<recognition::RouterRecognizer> recognizer_;
  std::unique_ptr<actions::Dispatcher> dispatcher_;
  std::unique_ptr<pipeline::Pipeline> pipeline_;
  std::unique_ptr<pipeline::Ingest> ingest_;
  std::unique_ptr<CoverageSchedule> coverage_schedule_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<net::HttpServer> http_;
  bool pipeline_started_ = false;
  std::unique_ptr<store::Store::WorkListener> listener_;
  std::thread listen_thread_;
  std::atomic<bool> stop_listening_{false};
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<App>> StartApp(const ServerConfig& config, Clock* clock) {
  TILSYN_RETURN_IF_ERROR(config.Validate());
  if (!clock) clock = SystemClock::Get();
  net::InitHttpClient();
  auto app = std::make_unique<AppImpl>(config, clock);
  TILSYN_RETURN_IF_ERROR(app->Start());
  return std::unique_ptr<App>(std::move(app));
}

}  // namespace tilsyn::server
