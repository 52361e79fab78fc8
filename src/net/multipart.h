// multipart/form-data (RFC 7578) building and parsing for observation uploads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tilsyn::net {

struct MultipartPart {
  std::string name;          // form field name
  std::string filename;      // optional
  std::string content_type;  // optional
  std::string data;
};

// A body for `parts` with `boundary`; the Content-Type is "multipart/form-data; boundary=…".
std::string BuildMultipart(const std::vector<MultipartPart>& parts, const std::string& boundary);
// Parses a body given its Content-Type header. UnsupportedMedia when the type is not
// multipart/form-data or has no boundary; InvalidArgument when the body is malformed.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body,
                                                  std::string_view content_type);

}  // namespace tilsyn::net
