// SendMail: one message over SMTP through libcurl — smtp:// with STARTTLS (required, tried or
// off) or smtps:// (TLS from the start), AUTH when a user name is given, one or more recipients.
// Errors keep SMTP's own split: a transient failure (no connection, a timeout, a 4xx reply such
// as 451 or 421) is Unavailable, so the caller retries; a permanent one (a 5xx reply: unknown
// mailbox, refused relay, failed authentication, a TLS requirement the server cannot meet) is
// FailedPrecondition, naming the reply code. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace tilsyn::net {

struct SmtpRequest {
  std::string url;                      // smtp://host:587 or smtps://host:465
  std::string from;                     // envelope sender
  std::vector<std::string> recipients;  // envelope recipients
  std::string message;                  // RFC 5322 headers + body (CRLF)
  std::string username, password;       // AUTH when username is not empty
  std::string tls = "starttls";         // "starttls" (required), "try", "none"
  std::string ca_file;                  // extra CA bundle ("" = the system's)
  int timeout_ms = 30'000;
};

struct SmtpResult {
  long code = 0;  // the last SMTP reply code (250 on success)
};

Result<SmtpResult> SendMail(const SmtpRequest& req);

}  // namespace tilsyn::net
