// NMEA 0183 parsing for the agent: the parser itself lives in geo/gps/nmea.h (shared with the GPS
// history importers); this header keeps the agent's names. See that header for the contract.
#pragma once

#include "agent/gps/gps_source.h"
#include "geo/gps/nmea.h"

namespace tilsyn::agent {

using geo::NmeaChecksumOk;
using geo::NmeaParser;
using geo::NmeaStats;
using geo::ParseNmea;

}  // namespace tilsyn::agent
