// Settings shared by the remote adapters (http_json.h, kserve_v2.h): request headers with an
// auth header whose secret may come from the environment, the label list, the label map, and
// reading a box in one of the supported layouts. Pure functions, thread-safe.
#pragma once

#include <initializer_list>
#include <map>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include "core/json_util.h"
#include "net/http_client.h"
#include "tasks/detection.h"

namespace tilsyn::recognition::remote {

using Headers = std::vector<std::pair<std::string, std::string>>;

// "headers": {name: value}; "auth_header": name with "auth_value" or "auth_value_env" (the
// name of an environment variable holding the value, e.g. a vendor token). Errors name the
// field; a missing environment variable is FailedPrecondition naming "auth_value_env".
Result<Headers> ParseHeaders(const Json& settings);
// "labels": a non-empty array of strings (required).
Result<std::vector<std::string>> ParseLabels(const Json& settings);
// InvalidArgument naming the first key of `settings` not in `known` (a typo must not silently
// fall back to a default); also when `settings` is not an object.
Status CheckKnownSettings(const Json& settings, std::initializer_list<std::string_view> known);
// "label_map": {their label: our label} (optional).
Result<std::map<std::string, std::string>> ParseLabelMap(const Json& settings);
// "url": http:// or https:// (required).
Result<std::string> ParseUrl(const Json& settings);
// "timeout_ms" (optional, default 10000, 1..600000).
Result<int> ParseTimeout(const Json& settings);

// Box layouts: "xywh" [x, y, w, h]; "xyxy" [x1, y1, x2, y2]; "object" {x, y, w, h};
// "xyxy-normalized" [x1, y1, x2, y2] in 0..1 of the image size. Nullopt for malformed input.
bool ValidBoxFormat(const std::string& f);
std::optional<tasks::Box> ReadBox(const Json& j, const std::string& format, int width, int height);

// The HTTP call with the service's name in errors: network errors stay Unavailable, timeouts
// DeadlineExceeded; a non-2xx status becomes Unavailable("HTTP 500 from <name>").
Result<net::ClientResponse> Call(const std::string& service, const net::ClientRequest& req);

}  // namespace tilsyn::recognition::remote
