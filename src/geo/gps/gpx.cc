#include "geo/gps/gpx.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

#include "core/time_format.h"

namespace tilsyn::geo {
namespace {

constexpr double kMpsToKmh = 3.6;
constexpr double kHdopToMetres = 5.0;
// Below this displacement between fixes a bearing is GPS noise, not a heading.
constexpr double kMinMoveForHeadingM = 1.0;

std::optional<double> ToDouble(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  std::string tmp(s);
  char* end = nullptr;
  double v = std::strtod(tmp.c_str(), &end);
  if (end != tmp.c_str() + tmp.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string_view TrimWs(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The value of attribute `name` inside a start tag's text (either quote style).
std::optional<std::string_view> Attribute(std::string_view tag, std::string_view name) {
  size_t pos = 0;
  while ((pos = tag.find(name, pos)) != std::string_view::npos) {
    bool boundary = pos > 0 && std::isspace(static_cast<unsigned char>(tag[pos - 1]));
    size_t p = pos + name.size();
    while (p < tag.size() && std::isspace(static_cast<unsigned char>(tag[p]))) ++p;
    if (boundary && p < tag.size() && tag[p] == '=') {
      ++p;
      while (p < tag.size() && std::isspace(static_cast<unsigned char>(tag[p]))) ++p;
      if (p < tag.size() && (tag[p] == '"' || tag[p] == '\'')) {
        char q = tag[p];
        size_t end = tag.find(q, p + 1);
        if (end == std::string_view::npos) return std::nullopt;
        return tag.substr(p + 1, end - p - 1);
      }
    }
    pos += name.size();
  }
  return std::nullopt;
}

// Text of the first element whose local name (after any "prefix:") is `local`, in `body`.
std::optional<std::string_view> ElementText(std::string_view body, std::string_view local) {
  size_t pos = 0;
  while ((pos = body.find('<', pos)) != std::string_view::npos) {
    size_t close = body.find('>', pos);
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view tag = body.substr(pos + 1, close - pos - 1);
    if (!tag.empty() && tag[0] != '/' && tag[0] != '?' && tag[0] != '!' && tag.back() != '/') {
      size_t name_end = tag.find_first_of(" \t\r\n");
      std::string_view name = tag.substr(0, name_end);
      size_t colon = name.rfind(':');
      std::string_view lname = colon == std::string_view::npos ? name : name.substr(colon + 1);
      if (lname == local) {
        std::string end_tag = "</" + std::string(name) + ">";
        size_t end = body.find(end_tag, close + 1);
        if (end == std::string_view::npos) return std::nullopt;
        return TrimWs(body.substr(close + 1, end - close - 1));
      }
    }
    pos = close + 1;
  }
  return std::nullopt;
}

}  // namespace

std::vector<GpsFix> ParseGpx(std::string_view text, GpxStats* stats) {
  GpxStats st;
  std::vector<GpsFix> out;
  size_t pos = 0;
  while ((pos = text.find("<trkpt", pos)) != std::string_view::npos) {
    size_t tag_end = text.find('>', pos);
    if (tag_end == std::string_view::npos) break;
    char after = text[pos + 6];
    if (after != ' ' && after != '\t' && after != '\r' && after != '\n' && after != '>' &&
        after != '/') {
      pos += 6;
      continue;
    }
    ++st.points;
    const size_t start = pos;
    std::string_view tag = text.substr(pos, tag_end - pos);
    bool self_closing = !tag.empty() && tag.back() == '/';
    std::string_view body;
    size_t next = tag_end + 1;
    if (!self_closing) {
      size_t close = text.find("</trkpt>", tag_end);
      size_t limit = close == std::string_view::npos ? text.size() : close;
      body = text.substr(tag_end + 1, limit - tag_end - 1);
      next = limit;
    }
    pos = next;

    auto lat_s = Attribute(tag, "lat");
    auto lon_s = Attribute(tag, "lon");
    std::optional<double> lat_v = lat_s ? ToDouble(*lat_s) : std::nullopt;
    std::optional<double> lon_v = lon_s ? ToDouble(*lon_s) : std::nullopt;
    auto time_s = ElementText(body, "time");
    const double lat = lat_v.value_or(999), lon = lon_v.value_or(999);
    if (std::abs(lat) > 90 || std::abs(lon) > 180 || !time_s) {
      ++st.bad;
      st.bad_offsets.push_back(start);
      continue;
    }
    Result<TimeMs> t = ParseIso8601(*time_s);
    if (!t.ok()) {
      ++st.bad;
      st.bad_offsets.push_back(start);
      continue;
    }
    GpsFix fix;
    fix.time = *t;
    fix.pos = {lat, lon};
    if (auto s = ElementText(body, "speed")) {
      if (auto v = ToDouble(*s); v && *v >= 0) fix.speed_kmh = *v * kMpsToKmh;
    }
    if (auto s = ElementText(body, "course")) {
      if (auto v = ToDouble(*s); v && *v >= 0 && *v <= 360) fix.heading_deg = std::fmod(*v, 360.0);
    }
    if (auto s = ElementText(body, "hdop")) {
      if (auto v = ToDouble(*s); v && *v >= 0) fix.accuracy_m = *v * kHdopToMetres;
    }
    out.push_back(fix);
  }
  DeriveMotion(out);
  if (stats) *stats = st;
  return out;
}

void DeriveMotion(std::vector<GpsFix>& fixes) {
  for (size_t i = 0; i < fixes.size(); ++i) {
    if (fixes[i].speed_kmh && fixes[i].heading_deg) continue;
    const GpsFix* a = nullptr;
    const GpsFix* b = nullptr;
    if (i > 0) {
      a = &fixes[i - 1];
      b = &fixes[i];
    } else if (fixes.size() > 1) {
      a = &fixes[0];
      b = &fixes[1];
    } else {
      continue;
    }
    double dist = geo::DistanceM(a->pos, b->pos);
    TimeMs dt = b->time - a->time;
    if (!fixes[i].speed_kmh && dt > 0) fixes[i].speed_kmh = dist / (dt / 1000.0) * kMpsToKmh;
    if (!fixes[i].heading_deg && dist >= kMinMoveForHeadingM) {
      fixes[i].heading_deg = geo::BearingDeg(a->pos, b->pos);
    }
  }
}

}  // namespace tilsyn::geo
