#include "core/number_format.h"

#include <cstdio>

namespace tilsyn {

std::string FormatFixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace tilsyn
