// "webhook": a signed JSON POST, at least once; the receiver de-duplicates by Idempotency-Key.
#include "actions/action.h"
#include "core/crypto.h"
#include "net/http_client.h"

namespace tilsyn::actions {
namespace {

bool IsHttpUrl(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

class WebhookAction : public Action {
 public:
  WebhookAction(std::function<std::string(const store::ActionRunRecord&)> secret_for_run,
                int timeout_ms)
      : secret_for_run_(std::move(secret_for_run)), timeout_ms_(timeout_ms) {
    net::InitHttpClient();
  }

  AttemptResult Attempt(const store::ActionRunRecord& run) override {
    AttemptResult out;
    if (!IsHttpUrl(run.target)) {
      out.error = "webhook target is not an http(s) URL";
      out.retryable = false;
      return out;
    }
    net::ClientRequest req;
    req.method = "POST";
    req.url = run.target;
    req.body = run.payload.dump();
    req.timeout_ms = timeout_ms_;
    const std::string secret = secret_for_run_ ? secret_for_run_(run) : std::string();
    // A CloudEvent (structured mode) says so in its media type.
    const bool cloud_event = run.payload.is_object() && run.payload.contains("specversion");
    req.headers = {{"Content-Type", cloud_event ? "application/cloudevents+json; charset=utf-8"
                                                : "application/json"},
                   {"X-Tilsyn-Signature", "sha256=" + HmacSha256Hex(secret, req.body)},
                   {"Idempotency-Key", run.idempotency_key}};
    Result<net::ClientResponse> resp = net::Fetch(req);
    if (!resp.ok()) {
      out.error = resp.status().ToString();
      out.retryable = true;  // network errors and timeouts may pass
      return out;
    }
    out.status_code = resp->status;
    if (resp->status >= 200 && resp->status < 300) return out;
    out.error = "HTTP " + std::to_string(resp->status);
    const bool client_error = resp->status >= 400 && resp->status < 500;
    out.retryable = !client_error || resp->status == 408 || resp->status == 429;
    return out;
  }

 private:
  std::function<std::string(const store::ActionRunRecord&)> secret_for_run_;
  int timeout_ms_;
};

}  // namespace

std::unique_ptr<Action> NewWebhookAction(
    std::function<std::string(const store::ActionRunRecord&)> secret_for_run, int timeout_ms) {
  return std::make_unique<WebhookAction>(std::move(secret_for_run), timeout_ms);
}

}  // namespace tilsyn::actions
