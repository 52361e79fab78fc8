// Plain HTTP message types shared by the server (Boost.Beast), the client (libcurl) and handlers.
// Handlers see only these, never Beast types, so they compile fast and test without sockets.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json_util.h"
#include "core/status.h"

namespace tilsyn::net {

struct HttpRequest {
  std::string method;                          // "GET", "POST", …
  std::string target;                          // raw request target, e.g. "/api/v1/tasks?x=1"
  std::string path;                            // decoded path without the query
  std::map<std::string, std::string> query;    // decoded query parameters (last one wins)
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  // With client certificates (HttpServerOptions::tls_client_ca_file): the common name of the
  // certificate the client presented and the server verified; "" when none.
  std::string client_cert_subject;
  // The header value, or "" when absent. `name` must be lowercase.
  std::string Header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse JsonBody(int status, const Json& body);
  // The one place a Status becomes an HTTP error: status code from the table in http.cc and a
  // body {"error": {"code", "message", "field"}}.
  static HttpResponse Error(const Status& st);
};

// HTTP status for a Status code (400, 401, 403, 404, 409, 412/422, 413, 415, 503, 504, 500).
int HttpStatusFor(Code code);

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// Percent-decoding of a URL component ('+' is a space in queries). Invalid escapes are kept.
std::string UrlDecode(const std::string& s, bool plus_is_space);
// Percent-encoding of a URL component or form value: RFC 3986 unreserved characters kept, every
// other byte as %XX (a space as %20).
std::string UrlEncode(std::string_view s);
// Splits "a=1&b=2" into a map.
std::map<std::string, std::string> ParseQuery(const std::string& q);

}  // namespace tilsyn::net
