// "email": one message per action run over SMTP; at least once, the Message-ID being the run's
// idempotency key.
#include "actions/action.h"
#include "actions/email_message.h"

namespace tilsyn::actions {
namespace {

std::vector<std::string> SplitRecipients(const std::string& target) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= target.size()) {
    const size_t comma = target.find(',', start);
    const std::string one =
        target.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!one.empty()) out.push_back(one);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

class EmailAction : public Action {
 public:
  EmailAction(EmailOptions o, Clock* clock) : o_(std::move(o)), clock_(clock) {}

  AttemptResult Attempt(const store::ActionRunRecord& run) override {
    AttemptResult out;
    net::SmtpRequest req = o_.smtp;
    req.recipients = SplitRecipients(run.target);
    if (req.recipients.empty()) {
      out.error = "no recipients";
      out.retryable = false;
      return out;
    }
    req.message = FormatEmail(run.payload, run.idempotency_key, req.from, run.target, o_.web_url,
                              clock_->NowMs())
                      .rfc5322;
    Result<net::SmtpResult> sent = net::SendMail(req);
    if (sent.ok()) {
      out.status_code = static_cast<int>(sent->code);
      return out;
    }
    out.error = sent.status().message();
    out.retryable = sent.status().retryable();
    return out;
  }

 private:
  EmailOptions o_;
  Clock* clock_;
};

class UnavailableAction : public Action {
 public:
  explicit UnavailableAction(std::string why) : why_(std::move(why)) {}
  AttemptResult Attempt(const store::ActionRunRecord&) override {
    AttemptResult out;
    out.error = why_;
    out.retryable = false;
    return out;
  }

 private:
  std::string why_;
};

}  // namespace

std::unique_ptr<Action> NewEmailAction(EmailOptions options, Clock* clock) {
  return std::make_unique<EmailAction>(std::move(options), clock);
}

std::unique_ptr<Action> NewUnavailableAction(std::string why) {
  return std::make_unique<UnavailableAction>(std::move(why));
}

}  // namespace tilsyn::actions
