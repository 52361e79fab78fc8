#include "core/time_format.h"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <sstream>

namespace tilsyn {

std::string FormatIso8601(TimeMs t) {
  using namespace std::chrono;
  sys_time<milliseconds> tp{milliseconds{t}};
  return date::format("%FT%TZ", tp);
}

Result<TimeMs> ParseIso8601(std::string_view s) {
  int y, mo, d, h, mi;
  double sec;
  char rest[16] = {0};
  std::string str(s);
  int n = std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%15s", &y, &mo, &d, &h, &mi, &sec, rest);
  if (n < 7 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec < 0 || sec >= 61) {
    return Status::InvalidArgument("not an RFC 3339 time: '" + str + "'");
  }
  int offset_min = 0;
  std::string tz(rest);
  if (tz == "Z" || tz == "z") {
    offset_min = 0;
  } else if (tz.size() == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(tz.c_str() + 1, "%2d:%2d", &oh, &om) != 2 || oh > 23 || om > 59) {
      return Status::InvalidArgument("bad UTC offset in '" + str + "'");
    }
    offset_min = (oh * 60 + om) * (tz[0] == '-' ? -1 : 1);
  } else {
    return Status::InvalidArgument("time needs 'Z' or an offset: '" + str + "'");
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return Status::InvalidArgument("no such date: '" + str + "'");
  auto days = date::sys_days{ymd}.time_since_epoch();
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(days).count() +
               (int64_t{h} * 3600 + int64_t{mi} * 60) * 1000 + static_cast<int64_t>(sec * 1000 + 0.5) -
               int64_t{offset_min} * 60'000;
  return ms;
}

Result<LocalTime> ToLocal(TimeMs t, std::string_view tz) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(std::string(tz));
  } catch (const std::exception&) {
    return Status::NotFound("unknown time zone '" + std::string(tz) + "'", "time_zone");
  }
  using namespace std::chrono;
  sys_time<milliseconds> tp{milliseconds{t}};
  auto local = zone->to_local(tp);
  auto day = date::floor<date::days>(local);
  auto tod = duration_cast<minutes>(local - day);
  date::weekday wd{day};
  LocalTime lt;
  lt.weekday = static_cast<int>((wd.c_encoding() + 6) % 7);
  lt.minute_of_day = static_cast<int>(tod.count());
  return lt;
}

bool IsKnownTimeZone(std::string_view tz) {
  try {
    return date::locate_zone(std::string(tz)) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace tilsyn
