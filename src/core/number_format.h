// Fixed-point text of a number ("%.*f"), for CSV, messages and reasons. Thread-safe.
#pragma once

#include <string>

namespace tilsyn {

// `v` with `digits` digits after the point, e.g. FormatFixed(55.6761, 7) = "55.6761000".
std::string FormatFixed(double v, int digits);

}  // namespace tilsyn
