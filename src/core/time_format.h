// RFC 3339 / ISO 8601 times and time-zone arithmetic (Howard Hinnant's date/tz, which reads the
// system tzdata offline). All functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace tilsyn {

// "2026-11-29T09:47:05.123Z".
std::string FormatIso8601(TimeMs t);
// Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)". InvalidArgument on anything else.
Result<TimeMs> ParseIso8601(std::string_view s);

// Local wall time of `t` in time zone `tz` (e.g. "Europe/Copenhagen").
struct LocalTime {
  int weekday = 0;         // 0 = Monday … 6 = Sunday (ISO)
  int minute_of_day = 0;   // 0 … 1439
};
// NotFound for an unknown zone name.
Result<LocalTime> ToLocal(TimeMs t, std::string_view tz);
// True when `tz` names a zone in the tz database.
bool IsKnownTimeZone(std::string_view tz);

}  // namespace tilsyn
