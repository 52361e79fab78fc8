// WebhookReceiver: a loopback HTTP endpoint standing in for a contractor's or case system's
// webhook. It verifies the HMAC signature, de-duplicates by Idempotency-Key, and can fail the
// first delivery of each key (503) to exercise retries. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "net/http_server.h"

namespace tilsyn::demo {

class WebhookReceiver {
 public:
  // Listens on 127.0.0.1 (any free port).
  static Result<std::unique_ptr<WebhookReceiver>> Start(const std::string& secret,
                                                        bool fail_first_delivery);
  ~WebhookReceiver();
  std::string url() const;
  // {"deliveries": n (all requests), "accepted": distinct keys answered 2xx, "failed_on_purpose":
  // n,
  //  "bad_signature": n, "duplicates": accepted again after success}
  Json Tally() const;
  // Successful (2xx) deliveries per idempotency key.
  std::map<std::string, int> SuccessesByKey() const;
  // Each accepted delivery as {"content_type", "body"} (a receiver's view, for checks).
  std::vector<Json> Accepted() const;
  void Stop();

 private:
  net::HttpResponse Handle(const net::HttpRequest& req);
  std::string secret_;
  bool fail_first_ = false;
  std::unique_ptr<net::HttpServer> server_;
  mutable std::mutex mu_;
  std::map<std::string, int> attempts_, successes_;
  std::vector<Json> accepted_;
  int deliveries_ = 0, failed_on_purpose_ = 0, bad_signature_ = 0;
};

}  // namespace tilsyn::demo
