#include "net/http.h"

#include <cctype>
#include <cstdio>

#include "core/log.h"

namespace tilsyn::net {

std::string HttpRequest::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse HttpResponse::JsonBody(int status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  // Replace invalid UTF-8 rather than throwing: bodies may echo untrusted input.
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

HttpResponse HttpResponse::Error(const Status& st) {
  // Server-side failures name files, tables and library internals: logged, not answered.
  std::string message = st.message();
  switch (st.code()) {
    case Code::kIoError:
      message = "the server could not read or write its data";
      break;
    case Code::kStorageFull:
      message = "the server is short of storage; try again later";
      break;
    case Code::kInternal:
      message = "internal error";
      break;
    default:
      break;
  }
  if (message != st.message()) LogError("http.error_detail", {{"error", st.ToString()}});
  Json err = {{"code", std::string(CodeName(st.code()))}, {"message", message}};
  if (!st.field().empty()) err["field"] = st.field();
  return JsonBody(HttpStatusFor(st.code()), Json{{"error", err}});
}

// The one table from Status codes to HTTP statuses.
int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk:
      return 200;
    case Code::kInvalidArgument:
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kPermissionDenied:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kAlreadyExists:
      return 409;
    case Code::kFailedPrecondition:
      return 412;
    case Code::kPayloadTooLarge:
      return 413;
    case Code::kUnsupportedMedia:
      return 415;
    case Code::kUnavailable:
      return 503;
    case Code::kDeadlineExceeded:
      return 504;
    case Code::kIoError:
      return 500;
    case Code::kInternal:
      return 500;
    case Code::kStorageFull:
      return 507;
    case Code::kResourceExhausted:
      return 429;
  }
  return 500;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string UrlDecode(const std::string& s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::map<std::string, std::string> ParseQuery(const std::string& q) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= q.size()) {
    size_t end = q.find('&', start);
    if (end == std::string::npos) end = q.size();
    std::string pair = q.substr(start, end - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = UrlDecode(pair.substr(0, eq), true);
      std::string value = eq == std::string::npos ? "" : UrlDecode(pair.substr(eq + 1), true);
      if (!key.empty()) out[key] = value;
    }
    start = end + 1;
  }
  return out;
}

}  // namespace tilsyn::net
