#include "server/smtp_config.h"

#include "core/email_address.h"

namespace tilsyn::server {

Result<net::SmtpRequest> ParseSmtpConfig(const Json& j, const char* (*env)(const char*)) {
  if (!j.is_object()) return Status::InvalidArgument("must be an object", "smtp");
  static const char* kKnown[] = {"url", "from",    "username",  "password",
                                 "tls", "ca_file", "timeout_ms"};
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known) return Status::InvalidArgument("unknown setting", "smtp." + key);
  }
  net::SmtpRequest r;
  TILSYN_ASSIGN_OR_RETURN(r.url, GetString(j, "url", "smtp.url"));
  if (r.url.rfind("smtp://", 0) != 0 && r.url.rfind("smtps://", 0) != 0) {
    return Status::InvalidArgument("must start with smtp:// or smtps://", "smtp.url");
  }
  TILSYN_ASSIGN_OR_RETURN(r.from, GetString(j, "from", "smtp.from"));
  if (!IsEmailAddress(r.from)) {
    return Status::InvalidArgument("not an e-mail address", "smtp.from");
  }
  TILSYN_ASSIGN_OR_RETURN(auto user, GetOptString(j, "username", "smtp.username"));
  r.username = user.value_or("");
  TILSYN_ASSIGN_OR_RETURN(auto password, GetOptString(j, "password", "smtp.password"));
  r.password = password.value_or("");
  if (env != nullptr) {
    if (const char* p = env("TILSYN_SMTP_PASSWORD"); p != nullptr && *p != 0) r.password = p;
  }
  TILSYN_ASSIGN_OR_RETURN(auto tls, GetOptString(j, "tls", "smtp.tls"));
  r.tls = tls.value_or("starttls");
  if (r.tls != "starttls" && r.tls != "try" && r.tls != "none") {
    return Status::InvalidArgument("must be starttls, try or none", "smtp.tls");
  }
  TILSYN_ASSIGN_OR_RETURN(auto ca, GetOptString(j, "ca_file", "smtp.ca_file"));
  r.ca_file = ca.value_or("");
  TILSYN_ASSIGN_OR_RETURN(auto timeout, GetOptInt(j, "timeout_ms", "smtp.timeout_ms"));
  if (timeout) {
    if (*timeout < 100 || *timeout > 600'000) {
      return Status::InvalidArgument("must be 100..600000", "smtp.timeout_ms");
    }
    r.timeout_ms = static_cast<int>(*timeout);
  }
  return r;
}

}  // namespace tilsyn::server
