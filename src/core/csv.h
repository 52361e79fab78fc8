// A small CSV reader for files people export from spreadsheets and case systems: RFC 4180
// quoting ("a, b" and doubled quotes), a delimiter detected from the header (',' ';' or tab),
// CRLF or LF line ends, a UTF-8 byte-order mark. Records spanning lines are not supported (a
// quoted field stops at the line end). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tilsyn {

// The delimiter that splits `header` into the most fields (',' when none does).
char DetectCsvDelimiter(std::string_view header);

// The fields of one line, unquoted.
std::vector<std::string> SplitCsvLine(std::string_view line, char delimiter);

}  // namespace tilsyn
