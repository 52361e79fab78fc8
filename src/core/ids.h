// Identifiers: random UUIDs (version 4) made with the OpenSSL CSPRNG. Observation ids are made on
// the vehicle and are the upload idempotency key; every other entity uses them too.
#pragma once

#include <string>
#include <string_view>

namespace tilsyn {

// A new lowercase canonical UUID v4, e.g. "3f2b…-4…".
std::string NewUuid();
// True when `s` is a canonical UUID (8-4-4-4-12 hex digits, any case).
bool IsUuid(std::string_view s);

}  // namespace tilsyn
