// Shared by the libFuzzer targets (fuzz/README.md): the input as text, and a check that stops
// the fuzzer with a crash when a property the code promises does not hold.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace tilsyn::fuzz {

inline std::string_view Text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A broken promise is a finding: report it and abort (libFuzzer saves the input).
inline void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
  }
}

// Every GPS fix a parser emits must lie on the globe.
inline void RequireOnGlobe(double lat, double lon, const char* what) {
  Require(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180, what);
}

}  // namespace tilsyn::fuzz
