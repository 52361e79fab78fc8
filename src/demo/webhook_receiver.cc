#include "demo/webhook_receiver.h"

#include "core/crypto.h"

namespace tilsyn::demo {

Result<std::unique_ptr<WebhookReceiver>> WebhookReceiver::Start(const std::string& secret,
                                                                bool fail_first_delivery) {
  auto r = std::unique_ptr<WebhookReceiver>(new WebhookReceiver());
  r->secret_ = secret;
  r->fail_first_ = fail_first_delivery;
  net::HttpServerOptions opt;
  opt.address = "127.0.0.1";
  opt.port = 0;
  WebhookReceiver* self = r.get();
  TILSYN_ASSIGN_OR_RETURN(r->server_, net::StartHttpServer(opt, [self](const net::HttpRequest& q) {
                            return self->Handle(q);
                          }));
  return r;
}

WebhookReceiver::~WebhookReceiver() { Stop(); }

void WebhookReceiver::Stop() {
  if (server_) server_->Stop();
}

std::string WebhookReceiver::url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook";
}

net::HttpResponse WebhookReceiver::Handle(const net::HttpRequest& req) {
  std::lock_guard<std::mutex> lock(mu_);
  ++deliveries_;
  std::string key = req.Header("idempotency-key");
  std::string want = "sha256=" + HmacSha256Hex(secret_, req.body);
  if (key.empty() || !ConstantTimeEquals(req.Header("x-tilsyn-signature"), want)) {
    ++bad_signature_;
    return net::HttpResponse::JsonBody(401, {{"error", "bad signature or missing key"}});
  }
  int attempt = ++attempts_[key];
  if (fail_first_ && attempt == 1) {
    ++failed_on_purpose_;
    return net::HttpResponse::JsonBody(503, {{"error", "first delivery fails on purpose"}});
  }
  ++successes_[key];
  accepted_.push_back({{"content_type", req.Header("content-type")}, {"body", req.body}});
  return net::HttpResponse::JsonBody(200, {{"received", key}});
}

Json WebhookReceiver::Tally() const {
  std::lock_guard<std::mutex> lock(mu_);
  int dup = 0;
  for (const auto& [k, n] : successes_) dup += n - 1;
  return {{"deliveries", deliveries_},
          {"accepted", successes_.size()},
          {"failed_on_purpose", failed_on_purpose_},
          {"bad_signature", bad_signature_},
          {"duplicates", dup}};
}

std::vector<Json> WebhookReceiver::Accepted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_;
}

std::map<std::string, int> WebhookReceiver::SuccessesByKey() const {
  std::lock_guard<std::mutex> lock(mu_);
  return successes_;
}

}  // namespace tilsyn::demo
