// CSV for files people exchange with spreadsheets and case systems. Reading: RFC 4180
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

// One text field for a CSV file we write: quoted (RFC 4180) when it holds a comma, a quote or a
// line break, quotes doubled; a text a spreadsheet would run as a formula (= + - @ first) gets a
// leading apostrophe. Not for numbers.
std::string CsvField(std::string text);

}  // namespace tilsyn
