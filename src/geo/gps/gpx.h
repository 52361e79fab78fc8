// GPX 1.1 track parsing: every <trkpt lat=".." lon=".."> with its <time>, and the optional
// <speed> (m/s; GPX 1.0 or an extension such as gpxtpx:speed), <course> (degrees) and <hdop>
// (accuracy ≈ hdop × 5 m). A small tolerant scanner, not a full XML parser: namespace prefixes
// are ignored, CDATA and comments are not expected inside track points. Points without a valid
// time or position are skipped and counted. Missing speed/heading are derived from neighbouring
// points. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "geo/gps/gps_fix.h"

namespace tilsyn::geo {

struct GpxStats {
  int64_t points = 0;  // <trkpt> elements seen
  int64_t bad = 0;     // skipped: missing/invalid lat, lon or time
  // Byte offsets in the text of the skipped <trkpt> elements (for "file:line" reports).
  std::vector<size_t> bad_offsets;
};

std::vector<GpsFix> ParseGpx(std::string_view text, GpxStats* stats = nullptr);

// Fills missing speed_kmh / heading_deg of each fix from its neighbours (the next point for the
// first fix, the previous one otherwise). Heading is left empty where the vehicle did not move.
void DeriveMotion(std::vector<GpsFix>& fixes);

}  // namespace tilsyn::geo
