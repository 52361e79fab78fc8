#include "net/multipart.h"

#include <optional>
#include <utility>

#include "net/ows.h"

namespace tilsyn::net {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Parses `value; k1=v1; k2="v 2"` into the value and lowercase-named parameters.
// Quoted strings may contain ';' and backslash escapes. nullopt on an unterminated quote.
struct HeaderValue {
  std::string value;
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<std::string> Param(std::string_view name) const {
    for (const auto& [k, v] : params) {
      if (k == name) return v;
    }
    return std::nullopt;
  }
};

std::optional<HeaderValue> ParseHeaderValue(std::string_view s) {
  HeaderValue out;
  size_t semi = s.find(';');
  out.value = Lower(TrimOws(s.substr(0, semi)));
  size_t i = semi == std::string_view::npos ? s.size() : semi + 1;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == ';')) ++i;
    if (i >= s.size()) break;
    size_t eq = s.find('=', i);
    size_t next_semi = s.find(';', i);
    if (eq == std::string_view::npos || (next_semi != std::string_view::npos && next_semi < eq)) {
      // A parameter without a value: skip it.
      i = next_semi == std::string_view::npos ? s.size() : next_semi + 1;
      continue;
    }
    std::string key = Lower(TrimOws(s.substr(i, eq - i)));
    i = eq + 1;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      ++i;
      bool closed = false;
      while (i < s.size()) {
        char c = s[i++];
        if (c == '\\' && i < s.size()) {
          value.push_back(s[i++]);
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return std::nullopt;
      while (i < s.size() && s[i] != ';') ++i;
    } else {
      size_t end = s.find(';', i);
      if (end == std::string_view::npos) end = s.size();
      value = std::string(TrimOws(s.substr(i, end - i)));
      i = end;
    }
    out.params.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\r' || c == '\n') continue;
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Status Malformed(const std::string& why) {
  return Status::InvalidArgument("malformed multipart body: " + why, "body");
}

// Parses one part's header block (lines separated by CRLF) into `part`.
Status ParsePartHeaders(std::string_view block, MultipartPart& part) {
  bool have_disposition = false;
  size_t pos = 0;
  while (pos < block.size()) {
    size_t eol = block.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = block.size();
    std::string_view line = block.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Malformed("header line without ':'");
    std::string name = Lower(TrimOws(line.substr(0, colon)));
    std::string_view value = TrimOws(line.substr(colon + 1));
    if (name == "content-disposition") {
      auto hv = ParseHeaderValue(value);
      if (!hv || hv->value != "form-data") return Malformed("Content-Disposition is not form-data");
      auto n = hv->Param("name");
      if (!n) return Malformed("Content-Disposition without a name");
      part.name = *n;
      part.filename = hv->Param("filename").value_or("");
      have_disposition = true;
    } else if (name == "content-type") {
      part.content_type = std::string(value);
    }
  }
  if (!have_disposition) return Malformed("part without Content-Disposition");
  return Status::Ok();
}

}  // namespace

std::string BuildMultipart(const std::vector<MultipartPart>& parts, const std::string& boundary) {
  std::string out;
  for (const auto& p : parts) {
    out += "--" + boundary + "\r\n";
    out += "Content-Disposition: form-data; name=" + Quote(p.name);
    if (!p.filename.empty()) out += "; filename=" + Quote(p.filename);
    out += "\r\n";
    if (!p.content_type.empty()) out += "Content-Type: " + p.content_type + "\r\n";
    out += "\r\n";
    out += p.data;
    out += "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body,
                                                  std::string_view content_type) {
  auto ct = ParseHeaderValue(content_type);
  if (!ct || ct->value != "multipart/form-data") {
    return Status::UnsupportedMedia("Content-Type must be multipart/form-data", "body");
  }
  auto boundary = ct->Param("boundary");
  if (!boundary || boundary->empty() || boundary->size() > 200) {
    return Status::UnsupportedMedia("multipart Content-Type without a boundary", "body");
  }
  const std::string delim = "--" + *boundary;
  const std::string crlf_delim = "\r\n" + delim;

  // The first delimiter may open the body or follow a preamble.
  size_t pos;
  if (body.substr(0, delim.size()) == delim) {
    pos = 0;
  } else {
    size_t found = body.find(crlf_delim);
    if (found == std::string_view::npos) return Malformed("no boundary found");
    pos = found + 2;
  }

  std::vector<MultipartPart> parts;
  while (true) {
    pos += delim.size();                            // at the end of a delimiter
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter; epilogue ignored
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") return Malformed("boundary not followed by CRLF");
    pos += 2;
    size_t headers_end;
    if (body.substr(pos, 2) == "\r\n") {
      headers_end = pos;  // no headers at all
    } else {
      headers_end = body.find("\r\n\r\n", pos);
      if (headers_end == std::string_view::npos) return Malformed("unterminated part headers");
    }
    MultipartPart part;
    TILSYN_RETURN_IF_ERROR(ParsePartHeaders(body.substr(pos, headers_end - pos), part));
    size_t data_start = headers_end + (headers_end == pos ? 2 : 4);
    size_t next = body.find(crlf_delim, data_start);
    if (next == std::string_view::npos) return Malformed("part not terminated by a boundary");
    part.data = std::string(body.substr(data_start, next - data_start));
    parts.push_back(std::move(part));
    pos = next + 2;
  }
}

}  // namespace tilsyn::net
