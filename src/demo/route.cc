#include "demo/route.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

#include "core/file_util.h"
#include "core/time_format.h"

namespace tilsyn::demo {

geo::LatLon StreetGrid::Node(double i, double j) const {
  return geo::Offset(geo::Offset(origin_, 90, i * block_m_), 0, j * block_m_);
}

std::vector<Fix> SampleRoute(const std::vector<geo::LatLon>& wp, double speed_kmh, TimeMs start,
                             double noise_m, uint32_t seed, const std::vector<size_t>& stops,
                             int dwell_s) {
  std::vector<Fix> out;
  if (wp.size() < 2) return out;
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, noise_m > 0 ? noise_m : 1.0);
  auto jitter = [&](geo::LatLon p) {
    if (noise_m <= 0) return p;
    return geo::Offset(geo::Offset(p, 90, noise(rng)), 0, noise(rng));
  };
  double v = speed_kmh / 3.6;
  TimeMs t = start;
  double carry = 0;  // metres already travelled into the current segment
  for (size_t s = 0; s + 1 < wp.size(); ++s) {
    double len = geo::DistanceM(wp[s], wp[s + 1]);
    double heading = geo::BearingDeg(wp[s], wp[s + 1]);
    bool stop_here = std::find(stops.begin(), stops.end(), s) != stops.end();
    if (stop_here) {
      for (int k = 0; k < dwell_s; ++k, t += 1000) out.push_back({t, jitter(wp[s]), 0, heading});
    }
    double d = carry;
    for (; d < len; d += v, t += 1000) {
      out.push_back({t, jitter(geo::Offset(wp[s], heading, d)), speed_kmh, heading});
    }
    carry = d - len;
  }
  out.push_back({t, jitter(wp.back()), 0, out.empty() ? 0 : out.back().heading_deg});
  return out;
}

namespace {

std::string Checksummed(const std::string& body) {
  unsigned char cs = 0;
  for (char c : body) cs ^= static_cast<unsigned char>(c);
  char buf[8];
  std::snprintf(buf, sizeof buf, "*%02X", cs);
  return "$" + body + buf;
}

std::string NmeaCoord(double deg, bool lat) {
  double a = std::fabs(deg);
  int d = static_cast<int>(a);
  double m = (a - d) * 60.0;
  char buf[32];
  if (lat) {
    std::snprintf(buf, sizeof buf, "%02d%07.4f,%c", d, m, deg >= 0 ? 'N' : 'S');
  } else {
    std::snprintf(buf, sizeof buf, "%03d%07.4f,%c", d, m, deg >= 0 ? 'E' : 'W');
  }
  return buf;
}

}  // namespace

Status WriteNmea(const std::string& path, const std::vector<Fix>& fixes) {
  std::ostringstream out;
  for (const Fix& f : fixes) {
    std::string iso = FormatIso8601(f.time);  // YYYY-MM-DDTHH:MM:SS.mmmZ
    std::string hms = iso.substr(11, 2) + iso.substr(14, 2) + iso.substr(17, 2) + ".00";
    std::string dmy = iso.substr(8, 2) + iso.substr(5, 2) + iso.substr(2, 2);
    char rest[64];
    std::snprintf(rest, sizeof rest, "%.1f,%.1f", f.speed_kmh / 1.852, f.heading_deg);
    out << Checksummed("GPRMC," + hms + ",A," + NmeaCoord(f.pos.lat, true) + "," +
                       NmeaCoord(f.pos.lon, false) + "," + rest + "," + dmy + ",,,A")
        << "\r\n";
    out << Checksummed("GPGGA," + hms + "," + NmeaCoord(f.pos.lat, true) + "," +
                       NmeaCoord(f.pos.lon, false) + ",1,09,0.8,12.0,M,41.5,M,,")
        << "\r\n";
  }
  return WriteFileAtomic(path, out.str());
}

Status WriteGpx(const std::string& path, const std::vector<Fix>& fixes) {
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<gpx version=\"1.1\" creator=\"tilsyn demo\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n"
      << "<trk><name>demo</name><trkseg>\n";
  out.precision(8);
  for (const Fix& f : fixes) {
    out << "<trkpt lat=\"" << f.pos.lat << "\" lon=\"" << f.pos.lon << "\"><time>"
        << FormatIso8601(f.time) << "</time><speed>" << f.speed_kmh / 3.6 << "</speed><course>"
        << f.heading_deg << "</course></trkpt>\n";
  }
  out << "</trkseg></trk>\n</gpx>\n";
  return WriteFileAtomic(path, out.str());
}

}  // namespace tilsyn::demo
