// Splitting text on one separator character.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tilsyn {

// The pieces of `text` between `sep`s, in order; "a,,b" gives {"a", "", "b"}, or {"a", "b"}
// with `skip_empty`. An empty text gives {""} (none with `skip_empty`).
std::vector<std::string> Split(std::string_view text, char sep, bool skip_empty = false);

}  // namespace tilsyn
