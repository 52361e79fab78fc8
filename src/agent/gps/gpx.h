// GPX 1.1 track parsing for the agent: the parser lives in geo/gps/gpx.h (shared with the GPS
// history importers); this header keeps the agent's names. See that header for the contract.
#pragma once

#include "agent/gps/gps_source.h"
#include "geo/gps/gpx.h"

namespace tilsyn::agent {

using geo::DeriveMotion;
using geo::GpxStats;
using geo::ParseGpx;

}  // namespace tilsyn::agent
