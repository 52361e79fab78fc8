#include "core/split.h"

#include <algorithm>

namespace tilsyn {

std::vector<std::string> Split(std::string_view text, char sep, bool skip_empty) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t end = std::min(text.find(sep, start), text.size());
    if (!skip_empty || end > start) out.emplace_back(text.substr(start, end - start));
    if (end == text.size()) break;
    start = end + 1;
  }
  return out;
}

}  // namespace tilsyn
