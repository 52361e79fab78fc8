#include "core/email_address.h"

#include <regex>
#include <string>

namespace tilsyn {

bool IsEmailAddress(std::string_view s) {
  static const std::regex kAddress(R"([^@\s<>,;"]+@[^@\s<>,;"]+\.[^@\s<>,;"]+)");
  return s.size() <= 254 && std::regex_match(std::string(s), kAddress);
}

}  // namespace tilsyn
