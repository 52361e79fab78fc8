// ASCII-map fixtures for geofence tests: each character is a point on a 1 m grid in the local
// projection of a given origin (column → x east, row → y north, the top row is the largest y).
// '#' = on the boundary (must count as inside), 'I' = inside, '.' = outside, 'h' = inside a hole
// (outside). Test-only helper.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "geo/local_projection.h"

namespace tilsyn::geo::testing {

// Checks `contains` against every character of `rows`; x of column 0 is x0, y of the last row is y0.
inline void ExpectMap(const std::vector<std::string>& rows, LatLon origin, int x0, int y0,
                      const std::function<bool(LatLon)>& contains, const std::string& what) {
  LocalProjection proj(origin);
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      char ch = rows[r][c];
      double x = x0 + static_cast<double>(c);
      double y = y0 + static_cast<double>(rows.size() - 1 - r);
      bool want = ch == '#' || ch == 'I';
      EXPECT_EQ(contains(proj.ToLatLon({x, y})), want)
          << what << ": map char '" << ch << "' at x=" << x << " y=" << y;
    }
  }
}

}  // namespace tilsyn::geo::testing
