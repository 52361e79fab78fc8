// Action: what happens after an assessment (step 8). Each action run is delivered at least once:
// the dispatcher records every attempt and retries a transient failure (receiver down, 5xx,
// 408/429, timeout) with exponential backoff for as long as it lasts (RetryPolicy), so an outage
// of hours loses nothing; a permanent failure (other 4xx, unknown type) ends the run at once, and
// an operator may put a failed run back (RetryFailedActionRun). Receivers de-duplicate with the
// run's idempotency key.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "net/smtp_client.h"
#include "store/records.h"
#include "store/store.h"

namespace tilsyn::actions {

struct AttemptResult {
  int status_code = 0;  // HTTP status for webhooks, 0 for local actions
  std::string error;    // empty on success
  bool retryable = true;
  Json result = nullptr;  // stored as the run's result when not null (e.g. a case id)
};

class Action {
 public:
  virtual ~Action() = default;
  // Delivers `run` once. Success when error is empty.
  virtual AttemptResult Attempt(const store::ActionRunRecord& run) = 0;
  // For receivers that keep the delivery open (a case in a case system): asks for its state
  // and returns the run's new result (with "open": false once it is closed), or an error to try
  // again at the next follow-up. Runs are followed only while result.open is true.
  virtual Result<Json> FollowUp(const store::ActionRunRecord& run) {
    return Status::FailedPrecondition("this action keeps nothing open");
  }
  // Whether FollowUp does anything (only such types are looked up for open runs).
  virtual bool FollowsUp() const { return false; }
};

// "log": writes the assessment as a JSON log line. Always succeeds.
std::unique_ptr<Action> NewLogAction();
// "webhook": POSTs run.payload as JSON to run.target (Content-Type
// application/cloudevents+json when the payload is a CloudEvent, else application/json) with
// headers
//   X-Tilsyn-Signature: sha256=<hex HMAC-SHA256 of the body under `secret`>
//   Idempotency-Key: <run.idempotency_key>
// 2xx is success; 4xx (except 408/429) is a permanent failure; others (5xx, network errors,
// timeouts) are retried. `secret_for_run` looks up the run's task's webhook secret.
std::unique_ptr<Action> NewWebhookAction(
    std::function<std::string(const store::ActionRunRecord&)> secret_for_run, int timeout_ms);

// "email": the assessment's facts as a plain-text message (actions/email_message.h) over SMTP
// (net/smtp_client.h) to run.target's comma-separated recipients. An unreachable server, a
// timeout or a 4xx reply is retried; a 5xx reply (unknown mailbox, refused relay, failed login)
// fails the run for good. `smtp` carries the server, sender, credentials and TLS mode (its
// recipients and message are filled per run); `web_url` the web UI's base URL for the link.
struct EmailOptions {
  net::SmtpRequest smtp;
  std::string web_url;
};
std::unique_ptr<Action> NewEmailAction(EmailOptions options, Clock* clock);

// An action type the server cannot deliver as configured: every attempt fails for good with
// `why` (e.g. e-mail without an SMTP server), so the run says so instead of "no such type".
std::unique_ptr<Action> NewUnavailableAction(std::string why);

// "open311": a service request in a case system with Open311 GeoReport v2 (Signalen,
// FixMyStreet and many municipal case systems): POST <target>/requests.json (form-encoded:
// api_key, service_code, lat, long, description with the facts and the Tilsyn reference,
// optional jurisdiction_id) — never the image. The returned service_request_id is the run's
// result; FollowUp polls GET <target>/requests/<id>.json for status and status_notes until the
// case is closed. 4xx answers (except 408/429) fail the run for good with the server's error
// description; 5xx, 408, 429 and network errors are retried. `settings_for_run` gives the
// task's service_code, api_key and jurisdiction_id for a run.
struct Open311Settings {
  std::string service_code, api_key, jurisdiction_id;
};
std::unique_ptr<Action> NewOpen311Action(
    std::function<Open311Settings(const store::ActionRunRecord&)> settings_for_run,
    std::string web_url, int timeout_ms, Clock* clock);

struct DispatcherOptions {
  // 0: a transient failure is retried until it succeeds; N > 0: the run fails after N attempts
  // (for installations that prefer a bounded log of dead receivers to delivery).
  int max_attempts = 0;
  int64_t base_backoff_ms = 500;  // doubles per attempt, with ±25% jitter
  int64_t max_backoff_ms = 60'000;
  // Test hook: the process exits abruptly after this many successful attempts, before the
  // success is recorded (a crash between an attempt and its record). <0 = off.
  int crash_after_successes_for_test = -1;
};

// Runs due action runs from the store. Thread-compatible; call from one worker thread.
class Dispatcher {
 public:
  Dispatcher(store::ActionRunStore* store, Clock* clock, DispatcherOptions options);
  void Register(const std::string& type, std::unique_ptr<Action> action);
  // Attempts every due run once. Before the attempt, records it (attempts + 1, an attempt_log
  // entry {at, idempotency_key, state: "started"}, next_attempt_ms = now + backoff) so a crash
  // mid-attempt leaves it visible and retried; afterwards completes the entry (state succeeded |
  // failed, status_code, error, finished_at): success → succeeded; a permanent failure (or the
  // max_attempts-th failure when max_attempts > 0) → failed; otherwise retried after the
  // backoff. Returns how many were attempted; store errors are returned. Once `*stop` is set (a
  // worker shutting down) no further attempt starts; the one in hand is finished and recorded.
  Result<int> RunDue(int limit = 50, const std::atomic<bool>* stop = nullptr);
  // Asks the receivers of delivered runs that are still open (Action::FollowUp) for their state,
  // each run at most every `every_ms`; stores what they answer. Returns how many were asked.
  Result<int> FollowUp(TimeMs every_ms, int limit = 50);

 private:
  std::atomic<int> successes_{0};  // for crash_after_successes_for_test
  store::ActionRunStore* store_;
  Clock* clock_;
  DispatcherOptions options_;
  std::map<std::string, std::unique_ptr<Action>> actions_;
};

// An operator's decision: a failed run is due again now, with its attempt log kept.
// NotFound when unknown; FailedPrecondition unless it failed.
Status RetryFailedActionRun(store::ActionRunStore* store, const std::string& id, TimeMs now);

}  // namespace tilsyn::actions
