// The server configuration's "smtp" object → the e-mail action's SMTP settings
// (actions/action.h EmailOptions). InvalidArgument naming the field ("smtp.url") for a bad one.
// The password comes from "password" or, preferably (no secret in the file), from the
// environment variable TILSYN_SMTP_PASSWORD via `env` (may be null).
#pragma once

#include "actions/action.h"
#include "core/json_util.h"
#include "core/result.h"

namespace tilsyn::server {

Result<net::SmtpRequest> ParseSmtpConfig(const Json& smtp, const char* (*env)(const char*));

}  // namespace tilsyn::server
