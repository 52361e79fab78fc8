// NMEA 0183 parsing for the sentences a GNSS receiver sends every second:
//   $GPRMC/$GNRMC (time, date, status A/V, lat/lon, speed in knots, course) and
//   $GPGGA/$GNGGA (time, fix quality, satellites, HDOP; accuracy ≈ HDOP × 5 m).
// Checksums are verified when present. RMC and GGA sentences of the same second are combined into
// one fix. Bad records (malformed, bad checksum, no fix) are counted and skipped. GGA carries no
// date: a GGA-only second uses the date of the last RMC and is dropped before any RMC was seen.
// NmeaParser is a single-threaded stream parser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/gps/gps_fix.h"

namespace tilsyn::geo {

struct NmeaStats {
  int64_t sentences = 0;     // lines that looked like NMEA ('$' …)
  int64_t fixes = 0;         // fixes emitted
  int64_t bad_checksum = 0;  // checksum present and wrong
  int64_t malformed = 0;     // unparsable fields or not a sentence
  int64_t no_fix = 0;        // RMC status V or GGA quality 0
  int64_t undated = 0;       // a GGA-only second before any RMC gave the date
  int64_t ignored = 0;       // other sentence types (GSV, VTG, …), not counted as bad
  int64_t bad() const { return bad_checksum + malformed + no_fix + undated; }
};

class NmeaParser {
 public:
  // Feeds one line (with or without CR/LF). Returns a fix when this line completed the previous
  // second's fix (a new second began); the current second stays pending until Flush().
  std::optional<GpsFix> Feed(std::string_view line);
  // Emits the pending fix, if any (call at end of input).
  std::optional<GpsFix> Flush();
  const NmeaStats& stats() const { return stats_; }

 private:
  struct Pending {
    int64_t ms_of_day = -1;      // time of day of this group
    std::optional<int64_t> day;  // days since epoch, from RMC
    bool have_rmc = false, have_gga = false, valid = true;
    GpsFix fix;
  };
  std::optional<GpsFix> Emit();
  std::optional<GpsFix> StartGroup(int64_t ms_of_day);

  Pending pending_;
  std::optional<int64_t> last_day_;
  std::optional<TimeMs> last_time_;
  NmeaStats stats_;
};

// Parses a whole NMEA text (one sentence per line) into fixes.
std::vector<GpsFix> ParseNmea(std::string_view text, NmeaStats* stats = nullptr);

// Verifies the "*HH" checksum of a sentence. True when there is none or it matches.
bool NmeaChecksumOk(std::string_view sentence);

}  // namespace tilsyn::geo
