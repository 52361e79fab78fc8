// The e-mail an `email` action sends about an assessment: an RFC 5322 plain-text message in
// Danish or English with the finding's facts — task, outcome, reason, capture time (UTC and the
// task's local clock), the place with a map link, and a link to the finding in the web UI. Never
// the image: opening it in Tilsyn is audited, an attachment would not be. The Message-ID is the
// action run's idempotency key, so a repeated delivery is recognisably the same message.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/json_util.h"

namespace tilsyn::actions {

struct EmailMessage {
  std::string subject;  // UTF-8
  std::string body;     // UTF-8, CRLF line ends
  std::string rfc5322;  // headers + body, ready for SMTP DATA
};

// `payload` is the action run's payload (assessment facts, "language", "time_zone");
// `web_url` the web UI's base URL ("" = no link); `from`, `to` (comma-separated) for headers.
EmailMessage FormatEmail(const Json& payload, const std::string& idempotency_key,
                         const std::string& from, const std::string& to, const std::string& web_url,
                         TimeMs now);

}  // namespace tilsyn::actions
