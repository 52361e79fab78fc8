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

namespace {

// The value of the `n` ASCII digits at s[pos], or -1 when any of them is not a digit.
int Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

// RFC 3339: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), digits only (no signs, no spaces:
// found by fuzzing, "-026-01-01T…" was read as the year -26 and could not be read back).
Result<TimeMs> ParseIso8601(std::string_view s) {
  const std::string str(s);
  auto bad = [&] { return Status::InvalidArgument("not an RFC 3339 time: '" + str + "'"); };
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':') {
    return bad();
  }
  const int y = Digits(s, 0, 4), mo = Digits(s, 5, 2), d = Digits(s, 8, 2);
  const int h = Digits(s, 11, 2), mi = Digits(s, 14, 2), sec = Digits(s, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      sec < 0 || sec > 60) {
    return bad();
  }
  size_t pos = 19;
  int64_t frac_ms = 0;
  if (s[pos] == '.') {
    size_t digits = 0;
    double frac = 0, scale = 0.1;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++digits) {
      frac += (s[pos] - '0') * scale;
      scale /= 10;
    }
    if (digits == 0 || digits > 9) return bad();
    frac_ms = static_cast<int64_t>(frac * 1000 + 0.5);
  }
  const std::string_view tz = s.substr(pos);
  int offset_min = 0;
  if (tz == "Z" || tz == "z") {
    offset_min = 0;
  } else if (tz.size() == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':') {
    const int oh = Digits(tz, 1, 2), om = Digits(tz, 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) {
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
  return std::chrono::duration_cast<std::chrono::milliseconds>(days).count() +
         (int64_t{h} * 3600 + int64_t{mi} * 60 + sec) * 1000 + frac_ms -
         int64_t{offset_min} * 60'000;
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
