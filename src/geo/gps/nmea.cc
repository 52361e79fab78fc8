#include "geo/gps/nmea.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace tilsyn::geo {
namespace {

constexpr double kKnotsToKmh = 1.852;
constexpr double kHdopToMetres = 5.0;
constexpr int64_t kDayMs = 86'400'000;

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, p - start));
    start = p + 1;
  }
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

std::optional<double> ParseDouble(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string tmp(s);
  char* end = nullptr;
  double v = std::strtod(tmp.c_str(), &end);
  if (end != tmp.c_str() + tmp.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "hhmmss[.sss]" -> ms of day.
std::optional<int64_t> ParseTimeOfDay(std::string_view s) {
  if (s.size() < 6 || !AllDigits(s.substr(0, 6))) return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[2] - '0') * 10 + (s[3] - '0');
  auto sec = ParseDouble(s.substr(4));
  if (!sec || h > 23 || m > 59 || *sec < 0 || *sec >= 61) return std::nullopt;
  return (int64_t{h} * 3600 + int64_t{m} * 60) * 1000 + std::llround(*sec * 1000);
}

// "ddmmyy" -> days since the epoch.
std::optional<int64_t> ParseDate(std::string_view s) {
  if (s.size() != 6 || !AllDigits(s)) return std::nullopt;
  unsigned d = (s[0] - '0') * 10 + (s[1] - '0');
  unsigned m = (s[2] - '0') * 10 + (s[3] - '0');
  int yy = (s[4] - '0') * 10 + (s[5] - '0');
  if (d < 1 || d > 31 || m < 1 || m > 12) return std::nullopt;
  int64_t y = yy >= 80 ? 1900 + yy : 2000 + yy;
  return DaysFromCivil(y, m, d);
}

// "ddmm.mmmm" + hemisphere -> signed degrees; `deg_digits` is 2 for latitude, 3 for longitude.
std::optional<double> ParseCoord(std::string_view v, std::string_view hemi, bool is_lat) {
  auto raw = ParseDouble(v);
  if (!raw || *raw < 0 || hemi.size() != 1) return std::nullopt;
  double deg = std::floor(*raw / 100.0);
  double min = *raw - deg * 100.0;
  if (min >= 60.0) return std::nullopt;
  double out = deg + min / 60.0;
  char h = hemi[0];
  if (is_lat) {
    if (h != 'N' && h != 'S') return std::nullopt;
    if (out > 90.0) return std::nullopt;
    if (h == 'S') out = -out;
  } else {
    if (h != 'E' && h != 'W') return std::nullopt;
    if (out > 180.0) return std::nullopt;
    if (h == 'W') out = -out;
  }
  return out;
}

}  // namespace

bool NmeaChecksumOk(std::string_view s) {
  s = Trim(s);
  size_t star = s.rfind('*');
  if (star == std::string_view::npos) return true;
  if (s.size() != star + 3) return false;
  int hi = HexValue(s[star + 1]), lo = HexValue(s[star + 2]);
  if (hi < 0 || lo < 0) return false;
  unsigned char sum = 0;
  size_t start = (!s.empty() && (s[0] == '$' || s[0] == '!')) ? 1 : 0;
  for (size_t i = start; i < star; ++i) sum ^= static_cast<unsigned char>(s[i]);
  return sum == static_cast<unsigned char>(hi * 16 + lo);
}

std::optional<GpsFix> NmeaParser::StartGroup(int64_t ms_of_day) {
  std::optional<GpsFix> out;
  if (pending_.ms_of_day != ms_of_day) {
    out = Emit();
    pending_ = Pending{};
    pending_.ms_of_day = ms_of_day;
  }
  return out;
}

std::optional<GpsFix> NmeaParser::Emit() {
  Pending p = pending_;
  pending_ = Pending{};
  if (p.ms_of_day < 0 || !p.valid || (!p.have_rmc && !p.have_gga)) return std::nullopt;
  std::optional<int64_t> day = p.day ? p.day : last_day_;
  if (!day) {
    ++stats_.undated;
    return std::nullopt;
  }
  TimeMs t = *day * kDayMs + p.ms_of_day;
  // A GGA-only second just after midnight still carries yesterday's RMC date.
  if (!p.day && last_time_ && t + kDayMs / 2 < *last_time_) t += kDayMs;
  p.fix.time = t;
  last_time_ = t;
  ++stats_.fixes;
  return p.fix;
}

std::optional<GpsFix> NmeaParser::Flush() { return Emit(); }

std::optional<GpsFix> NmeaParser::Feed(std::string_view line) {
  line = Trim(line);
  if (line.empty()) return std::nullopt;
  ++stats_.sentences;
  if (line[0] != '$') {
    ++stats_.malformed;
    return std::nullopt;
  }
  if (!NmeaChecksumOk(line)) {
    ++stats_.bad_checksum;
    return std::nullopt;
  }
  std::string_view body = line.substr(1);
  if (size_t star = body.rfind('*'); star != std::string_view::npos) body = body.substr(0, star);
  std::vector<std::string_view> f = Split(body, ',');
  std::string_view type = f[0];
  if (type.size() != 5) {
    ++stats_.malformed;
    return std::nullopt;
  }
  std::string_view kind = type.substr(2);

  if (kind == "RMC") {
    if (f.size() < 10) {
      ++stats_.malformed;
      return std::nullopt;
    }
    auto tod = ParseTimeOfDay(f[1]);
    if (!tod) {
      ++stats_.malformed;
      return std::nullopt;
    }
    auto day = ParseDate(f[9]);
    bool active = f[2] == "A" && !(f.size() > 12 && f[12].size() == 1 && f[12][0] == 'N');
    if (!active) {
      ++stats_.no_fix;
      std::optional<GpsFix> out = StartGroup(*tod);
      pending_.valid = false;
      return out;
    }
    auto lat = ParseCoord(f[3], f[4], true);
    auto lon = ParseCoord(f[5], f[6], false);
    if (!lat || !lon || !day) {
      ++stats_.malformed;
      return std::nullopt;
    }
    std::optional<double> knots = ParseDouble(f[7]);
    std::optional<double> course = ParseDouble(f[8]);
    if ((!f[7].empty() && (!knots || *knots < 0)) ||
        (!f[8].empty() && (!course || *course < 0 || *course > 360))) {
      ++stats_.malformed;
      return std::nullopt;
    }
    std::optional<GpsFix> out = StartGroup(*tod);
    pending_.have_rmc = true;
    pending_.day = day;
    last_day_ = day;
    pending_.fix.pos = {*lat, *lon};
    if (knots) pending_.fix.speed_kmh = *knots * kKnotsToKmh;
    if (course) pending_.fix.heading_deg = std::fmod(*course, 360.0);
    return out;
  }

  if (kind == "GGA") {
    if (f.size() < 9) {
      ++stats_.malformed;
      return std::nullopt;
    }
    auto tod = ParseTimeOfDay(f[1]);
    if (!tod || !AllDigits(f[6])) {
      ++stats_.malformed;
      return std::nullopt;
    }
    if (f[6] == "0") {
      ++stats_.no_fix;
      std::optional<GpsFix> out = StartGroup(*tod);
      pending_.valid = false;
      return out;
    }
    auto lat = ParseCoord(f[2], f[3], true);
    auto lon = ParseCoord(f[4], f[5], false);
    std::optional<double> hdop = ParseDouble(f[8]);
    if (!lat || !lon || (!f[8].empty() && (!hdop || *hdop < 0))) {
      ++stats_.malformed;
      return std::nullopt;
    }
    std::optional<GpsFix> out = StartGroup(*tod);
    pending_.have_gga = true;
    if (!pending_.have_rmc) pending_.fix.pos = {*lat, *lon};
    if (hdop) pending_.fix.accuracy_m = *hdop * kHdopToMetres;
    return out;
  }

  ++stats_.ignored;
  return std::nullopt;
}

std::vector<GpsFix> ParseNmea(std::string_view text, NmeaStats* stats) {
  NmeaParser parser;
  std::vector<GpsFix> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (auto fix = parser.Feed(line)) out.push_back(*fix);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  if (auto fix = parser.Flush()) out.push_back(*fix);
  if (stats) *stats = parser.stats();
  return out;
}

}  // namespace tilsyn::geo
