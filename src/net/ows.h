// HTTP's optional whitespace (RFC 9110 §5.6.3: spaces and tabs) around header values and their
// parameters. Pure; thread-safe.
#pragma once

#include <string_view>

namespace tilsyn::net {

inline std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace tilsyn::net
