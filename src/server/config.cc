#include "server/config.h"

#include <algorithm>
#include <tuple>

#include "core/time_format.h"
#include "server/coverage_schedule.h"
#include "server/evaluation.h"
#include "server/smtp_config.h"

namespace tilsyn::server {

Status ServerConfig::Validate() const {
  if (listen.empty()) return Status::InvalidArgument("must not be empty", "listen");
  if (data_dir.empty()) return Status::InvalidArgument("must not be empty", "data_dir");
  if (role != "all" && role != "api" && role != "worker") {
    return Status::InvalidArgument("must be all, api or worker", "role");
  }
  if (!database.empty() && database.rfind("postgresql://", 0) != 0 &&
      database.rfind("postgres://", 0) != 0) {
    return Status::InvalidArgument("must be a postgresql:// URL (or empty for SQLite)", "database");
  }
  if (max_body_bytes < 1024 || max_body_bytes > (size_t{1} << 30)) {
    return Status::InvalidArgument("must be 1 KiB .. 1 GiB", "max_body_bytes");
  }
  if (http_threads < 1 || http_threads > 256) {
    return Status::InvalidArgument("must be 1..256", "http_threads");
  }
  if (anonymizer_person_mode != "head" && anonymizer_person_mode != "full" &&
      anonymizer_person_mode != "off") {
    return Status::InvalidArgument("must be head, full or off", "anonymizer_person_mode");
  }
  if (anonymize_uploads != "worker" && anonymize_uploads != "request") {
    return Status::InvalidArgument("must be worker or request", "anonymize_uploads");
  }
  if (assess_threads < 1 || assess_threads > 64) {
    return Status::InvalidArgument("must be 1..64", "assess_threads");
  }
  if (action_threads < 1 || action_threads > 64) {
    return Status::InvalidArgument("must be 1..64", "action_threads");
  }
  if (pipeline_poll_ms < 1 || pipeline_poll_ms > 600'000) {
    return Status::InvalidArgument("must be 1..600000", "pipeline_poll_ms");
  }
  if (!tile_url.empty() && tile_url.rfind("http://", 0) != 0 &&
      tile_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("must be an http(s) URL template or empty", "tile_url");
  }
  if (cascade_dir.empty()) return Status::InvalidArgument("must not be empty", "cascade_dir");
  if (!recognizers.is_null() && !recognizers.is_array()) {
    return Status::InvalidArgument("must be an array", "recognizers");
  }
  if (!routing.is_null() && !routing.is_object()) {
    return Status::InvalidArgument("must be an object", "routing");
  }
  if (webhook_timeout_ms < 1 || webhook_timeout_ms > 600'000) {
    return Status::InvalidArgument("must be 1..600000", "webhook_timeout_ms");
  }
  if (coverage_top_k < 0 || coverage_top_k > 100000) {
    return Status::InvalidArgument("must be 0..100000", "coverage_top_k");
  }
  if (case_follow_up_s < 1 || case_follow_up_s > 86'400) {
    return Status::InvalidArgument("must be 1..86400 s", "case_follow_up_s");
  }
  if (visit_check_s < 1 || visit_check_s > 86'400) {
    return Status::InvalidArgument("must be 1..86400 s", "visit_check_s");
  }
  if (location_retention_days < 0 || location_retention_days > 36'500) {
    return Status::InvalidArgument("must be 0 (keep) .. 36500 days", "location_retention_days");
  }
  if (gps_history_days < 0 || gps_history_days > 36'500) {
    return Status::InvalidArgument("must be 0 (keep) .. 36500 days", "gps_history_days");
  }
  if (!pilot_depot.empty())
    TILSYN_RETURN_IF_ERROR(ParseLatLonText(pilot_depot, "pilot_depot").status());
  if (!coverage_schedule.empty() && ParseDailyTime(coverage_schedule) < 0) {
    return Status::InvalidArgument("must be a daily time HH:MM, e.g. 02:30", "coverage_schedule");
  }
  if (!IsKnownTimeZone(coverage_time_zone)) {
    return Status::InvalidArgument("must name a time zone, e.g. Europe/Copenhagen",
                                   "coverage_time_zone");
  }
  if (action_max_attempts < 0 || action_max_attempts > 1000) {
    return Status::InvalidArgument("must be 0 (no limit) .. 1000", "action_max_attempts");
  }
  if (action_base_backoff_ms < 1 || action_base_backoff_ms > 3'600'000) {
    return Status::InvalidArgument("must be 1..3600000", "action_base_backoff_ms");
  }
  if (!smtp.is_null()) TILSYN_RETURN_IF_ERROR(ParseSmtpConfig(smtp, nullptr).status());
  if (!tls_client_ca.empty() && tls_cert.empty()) {
    return Status::InvalidArgument("client certificates need HTTPS (tls_cert and tls_key)",
                                   "tls_client_ca");
  }
  if (tls_cert.empty() != tls_key.empty()) {
    return Status::InvalidArgument("HTTPS needs both tls_cert and tls_key",
                                   tls_cert.empty() ? "tls_cert" : "tls_key");
  }
  if (!web_url.empty() && web_url.rfind("http://", 0) != 0 && web_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("must be an http(s) URL", "web_url");
  }
  return Status::Ok();
}

Result<ServerConfig> ServerConfig::FromJson(const Json& j) {
  if (!j.is_object()) return Status::InvalidArgument("the configuration must be a JSON object", "");
  static const char* kKnown[] = {"listen",
                                 "port",
                                 "data_dir",
                                 "database",
                                 "max_body_bytes",
                                 "min_free_bytes",
                                 "http_threads",
                                 "pipeline_poll_ms",
                                 "cascade_dir",
                                 "webhook_timeout_ms",
                                 "action_max_attempts",
                                 "coverage_top_k",
                                 "coverage_schedule",
                                 "case_follow_up_s",
                                 "visit_check_s",
                                 "coverage_time_zone",
                                 "anonymizer_detectors",
                                 "anonymizer_person_mode",
                                 "action_base_backoff_ms",
                                 "run_pipeline",
                                 "role",
                                 "worker_name",
                                 "anonymize_uploads",
                                 "assess_threads",
                                 "action_threads",
                                 "image_keys",
                                 "image_key",
                                 "image_key_id",
                                 "dev_generate_key",
                                 "web_dir",
                                 "tile_url",
                                 "recognizers",
                                 "routing",
                                 "smtp",
                                 "web_url",
                                 "tls_cert",
                                 "tls_key",
                                 "tls_client_ca",
                                 "rate_limit_per_minute",
                                 "location_retention_days",
                                 "gps_history_days",
                                 "pilot_depot",
                                 "rate_limit_burst",
                                 "max_concurrent_uploads"};
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known) return Status::InvalidArgument("unknown setting", key);
  }
  ServerConfig c;
  for (auto [key, slot] : {std::pair{"listen", &c.listen},
                           {"data_dir", &c.data_dir},
                           {"cascade_dir", &c.cascade_dir},
                           {"image_keys", &c.image_keys},
                           {"image_key", &c.image_key},
                           {"image_key_id", &c.image_key_id},
                           {"web_dir", &c.web_dir},
                           {"tile_url", &c.tile_url},
                           {"coverage_schedule", &c.coverage_schedule},
                           {"coverage_time_zone", &c.coverage_time_zone},
                           {"web_url", &c.web_url},
                           {"tls_cert", &c.tls_cert},
                           {"tls_key", &c.tls_key},
                           {"tls_client_ca", &c.tls_client_ca},
                           {"database", &c.database},
                           {"role", &c.role},
                           {"worker_name", &c.worker_name},
                           {"anonymize_uploads", &c.anonymize_uploads},
                           {"anonymizer_person_mode", &c.anonymizer_person_mode},
                           {"pilot_depot", &c.pilot_depot}}) {
    TILSYN_ASSIGN_OR_RETURN(auto v, GetOptString(j, key, key));
    if (v) *slot = std::move(*v);
  }
  TILSYN_ASSIGN_OR_RETURN(auto port, GetOptInt(j, "port", "port"));
  if (port) {
    if (*port < 0 || *port > 65535) return Status::InvalidArgument("must be 0..65535", "port");
    c.port = static_cast<uint16_t>(*port);
  }
  TILSYN_ASSIGN_OR_RETURN(auto max_body, GetOptInt(j, "max_body_bytes", "max_body_bytes"));
  if (max_body) {
    if (*max_body < 0) return Status::InvalidArgument("must be >= 0", "max_body_bytes");
    c.max_body_bytes = static_cast<size_t>(*max_body);
  }
  TILSYN_ASSIGN_OR_RETURN(auto min_free, GetOptInt(j, "min_free_bytes", "min_free_bytes"));
  if (min_free) {
    if (*min_free < 0) return Status::InvalidArgument("must be >= 0", "min_free_bytes");
    c.min_free_bytes = *min_free;
  }
  TILSYN_ASSIGN_OR_RETURN(auto threads, GetOptInt(j, "http_threads", "http_threads"));
  if (threads) c.http_threads = static_cast<int>(std::clamp<int64_t>(*threads, -1, 1'000'000));
  for (auto [key, slot, lo] : {std::tuple{"rate_limit_per_minute", &c.rate_limit_per_minute, 0},
                               {"rate_limit_burst", &c.rate_limit_burst, 1},
                               {"max_concurrent_uploads", &c.max_concurrent_uploads, 1},
                               {"assess_threads", &c.assess_threads, 1},
                               {"action_threads", &c.action_threads, 1},
                               {"location_retention_days", &c.location_retention_days, 0},
                               {"gps_history_days", &c.gps_history_days, 0}}) {
    TILSYN_ASSIGN_OR_RETURN(auto v, GetOptInt(j, key, key));
    if (!v) continue;
    if (*v < lo || *v > 1'000'000) {
      return Status::InvalidArgument("must be " + std::to_string(lo) + "..1000000", key);
    }
    *slot = static_cast<int>(*v);
  }
  TILSYN_ASSIGN_OR_RETURN(auto poll, GetOptInt(j, "pipeline_poll_ms", "pipeline_poll_ms"));
  if (poll) c.pipeline_poll_ms = static_cast<int>(std::clamp<int64_t>(*poll, -1, 1'000'000'000));
  TILSYN_ASSIGN_OR_RETURN(auto wh, GetOptInt(j, "webhook_timeout_ms", "webhook_timeout_ms"));
  if (wh) c.webhook_timeout_ms = static_cast<int>(std::clamp<int64_t>(*wh, -1, 1'000'000'000));
  TILSYN_ASSIGN_OR_RETURN(auto attempts,
                          GetOptInt(j, "action_max_attempts", "action_max_attempts"));
  if (attempts) c.action_max_attempts = static_cast<int>(std::clamp<int64_t>(*attempts, -1, 1000));
  TILSYN_ASSIGN_OR_RETURN(auto backoff,
                          GetOptInt(j, "action_base_backoff_ms", "action_base_backoff_ms"));
  if (backoff) c.action_base_backoff_ms = *backoff;
  TILSYN_ASSIGN_OR_RETURN(auto top_k, GetOptInt(j, "coverage_top_k", "coverage_top_k"));
  if (top_k) c.coverage_top_k = static_cast<int>(*top_k);
  TILSYN_ASSIGN_OR_RETURN(auto follow_up, GetOptInt(j, "case_follow_up_s", "case_follow_up_s"));
  if (follow_up) {
    if (*follow_up < 1 || *follow_up > 86'400) {
      return Status::InvalidArgument("must be 1..86400 s", "case_follow_up_s");
    }
    c.case_follow_up_s = static_cast<int>(*follow_up);
  }
  TILSYN_ASSIGN_OR_RETURN(auto visit_check, GetOptInt(j, "visit_check_s", "visit_check_s"));
  if (visit_check) {
    if (*visit_check < 1 || *visit_check > 86'400) {
      return Status::InvalidArgument("must be 1..86400 s", "visit_check_s");
    }
    c.visit_check_s = static_cast<int>(*visit_check);
  }
  TILSYN_ASSIGN_OR_RETURN(auto run_pipeline, GetOptBool(j, "run_pipeline", "run_pipeline"));
  if (run_pipeline) c.run_pipeline = *run_pipeline;
  TILSYN_ASSIGN_OR_RETURN(auto dev_key, GetOptBool(j, "dev_generate_key", "dev_generate_key"));
  if (dev_key) c.dev_generate_key = *dev_key;
  TILSYN_ASSIGN_OR_RETURN(auto detectors,
                          GetOptStringList(j, "anonymizer_detectors", "anonymizer_detectors"));
  if (detectors) c.anonymizer_detectors = std::move(*detectors);
  if (j.contains("recognizers")) c.recognizers = j["recognizers"];
  if (j.contains("routing")) c.routing = j["routing"];
  if (j.contains("smtp")) c.smtp = j["smtp"];
  TILSYN_RETURN_IF_ERROR(c.Validate());
  return c;
}

Json ServerConfig::ToJson() const {
  Json j{{"listen", listen},
         {"port", port},
         {"data_dir", data_dir},
         {"database", database},
         {"max_body_bytes", max_body_bytes},
         {"min_free_bytes", min_free_bytes},
         {"http_threads", http_threads},
         {"pipeline_poll_ms", pipeline_poll_ms},
         {"cascade_dir", cascade_dir},
         {"webhook_timeout_ms", webhook_timeout_ms},
         {"action_max_attempts", action_max_attempts},
         {"coverage_top_k", coverage_top_k},
         {"coverage_schedule", coverage_schedule},
         {"case_follow_up_s", case_follow_up_s},
         {"visit_check_s", visit_check_s},
         {"coverage_time_zone", coverage_time_zone},
         {"anonymizer_detectors", anonymizer_detectors},
         {"anonymizer_person_mode", anonymizer_person_mode},
         {"action_base_backoff_ms", action_base_backoff_ms},
         {"run_pipeline", run_pipeline},
         {"role", role},
         {"worker_name", worker_name},
         {"anonymize_uploads", anonymize_uploads},
         {"assess_threads", assess_threads},
         {"action_threads", action_threads},
         {"rate_limit_per_minute", rate_limit_per_minute},
         {"location_retention_days", location_retention_days},
         {"gps_history_days", gps_history_days},
         {"pilot_depot", pilot_depot},
         {"rate_limit_burst", rate_limit_burst},
         {"max_concurrent_uploads", max_concurrent_uploads},
         // Secrets: ToJson() is for layering configurations, never for logging.
         {"image_keys", image_keys},
         {"image_key", image_key},
         {"image_key_id", image_key_id},
         {"dev_generate_key", dev_generate_key},
         {"web_dir", web_dir},
         {"tile_url", tile_url}};
  // Only when set, so the defaults stay a plain list of scalars.
  if (!recognizers.is_null()) j["recognizers"] = recognizers;
  if (!routing.is_null()) j["routing"] = routing;
  if (!smtp.is_null()) j["smtp"] = smtp;
  if (!web_url.empty()) j["web_url"] = web_url;
  if (!tls_cert.empty()) j["tls_cert"] = tls_cert;
  if (!tls_key.empty()) j["tls_key"] = tls_key;
  if (!tls_client_ca.empty()) j["tls_client_ca"] = tls_client_ca;
  return j;
}

}  // namespace tilsyn::server
