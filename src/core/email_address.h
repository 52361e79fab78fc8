// The one check of an e-mail address used by task actions, contractors and the SMTP sender:
// local@domain.tld without spaces, angle brackets, commas, semicolons or quotes, at most 254
// bytes. Deliberately simple (the mail server has the last word). Thread-safe.
#pragma once

#include <string_view>

namespace tilsyn {

bool IsEmailAddress(std::string_view s);

}  // namespace tilsyn
