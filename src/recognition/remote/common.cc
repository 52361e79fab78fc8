#include "recognition/remote/common.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tilsyn::recognition::remote {

Result<Headers> ParseHeaders(const Json& s) {
  Headers out;
  if (s.contains("headers") && !s["headers"].is_null()) {
    if (!s["headers"].is_object()) return Status::InvalidArgument("must be an object", "headers");
    for (const auto& [k, v] : s["headers"].items()) {
      if (!v.is_string()) return Status::InvalidArgument("must be a string", "headers." + k);
      out.emplace_back(k, v.get<std::string>());
    }
  }
  TILSYN_ASSIGN_OR_RETURN(auto name, GetOptString(s, "auth_header", "auth_header"));
  TILSYN_ASSIGN_OR_RETURN(auto value, GetOptString(s, "auth_value", "auth_value"));
  TILSYN_ASSIGN_OR_RETURN(auto env, GetOptString(s, "auth_value_env", "auth_value_env"));
  if ((value || env) && !name) {
    return Status::InvalidArgument("auth_value needs auth_header", "auth_header");
  }
  if (name) {
    if (env) {
      const char* v = std::getenv(env->c_str());
      if (v == nullptr) {
        return Status::FailedPrecondition("environment variable " + *env + " is not set",
                                          "auth_value_env");
      }
      out.emplace_back(*name, v);
    } else if (value) {
      out.emplace_back(*name, *value);
    } else {
      return Status::InvalidArgument("auth_header needs auth_value or auth_value_env",
                                     "auth_value");
    }
  }
  return out;
}

Status CheckKnownSettings(const Json& settings, std::initializer_list<std::string_view> known) {
  if (!settings.is_object()) return Status::InvalidArgument("must be an object", "settings");
  for (const auto& [k, v] : settings.items()) {
    if (std::find(known.begin(), known.end(), std::string_view(k)) == known.end()) {
      return Status::InvalidArgument("unknown setting", k);
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> ParseLabels(const Json& s) {
  if (!s.contains("labels") || !s["labels"].is_array() || s["labels"].empty()) {
    return Status::InvalidArgument("must be a non-empty array of label names", "labels");
  }
  std::vector<std::string> out;
  for (const Json& l : s["labels"]) {
    if (!l.is_string() || l.get<std::string>().empty()) {
      return Status::InvalidArgument("must be a non-empty array of label names", "labels");
    }
    out.push_back(l.get<std::string>());
  }
  return out;
}

Result<std::map<std::string, std::string>> ParseLabelMap(const Json& s) {
  std::map<std::string, std::string> out;
  if (!s.contains("label_map") || s["label_map"].is_null()) return out;
  if (!s["label_map"].is_object()) return Status::InvalidArgument("must be an object", "label_map");
  for (const auto& [k, v] : s["label_map"].items()) {
    if (!v.is_string()) return Status::InvalidArgument("must be a string", "label_map." + k);
    out[k] = v.get<std::string>();
  }
  return out;
}

Result<std::string> ParseUrl(const Json& s) {
  TILSYN_ASSIGN_OR_RETURN(std::string url, GetString(s, "url", "url"));
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("must start with http:// or https://", "url");
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Result<int> ParseTimeout(const Json& s) {
  TILSYN_ASSIGN_OR_RETURN(auto t, GetOptInt(s, "timeout_ms", "timeout_ms"));
  if (!t) return 10'000;
  if (*t < 1 || *t > 600'000) return Status::InvalidArgument("must be 1..600000", "timeout_ms");
  return static_cast<int>(*t);
}

bool ValidBoxFormat(const std::string& f) {
  return f == "xywh" || f == "xyxy" || f == "object" || f == "xyxy-normalized";
}

std::optional<tasks::Box> ReadBox(const Json& j, const std::string& format, int width,
                                  int height) {
  double v[4];
  if (format == "object") {
    if (!j.is_object()) return std::nullopt;
    const char* keys[] = {"x", "y", "w", "h"};
    for (int i = 0; i < 4; ++i) {
      if (!j.contains(keys[i]) || !j[keys[i]].is_number()) return std::nullopt;
      v[i] = j[keys[i]].get<double>();
    }
  } else {
    if (!j.is_array() || j.size() != 4) return std::nullopt;
    for (int i = 0; i < 4; ++i) {
      if (!j[i].is_number()) return std::nullopt;
      v[i] = j[i].get<double>();
    }
    if (format == "xyxy-normalized") {
      v[0] *= width, v[2] *= width, v[1] *= height, v[3] *= height;
    }
    if (format != "xywh") {
      v[2] -= v[0];
      v[3] -= v[1];
    }
  }
  // Found by fuzz_http_json: a coordinate beyond int (or NaN) made the conversion below undefined.
  for (double x : v) {
    if (!std::isfinite(x) || std::abs(x) > 1e7) return std::nullopt;
  }
  if (v[2] < 0 || v[3] < 0) return std::nullopt;
  return tasks::Box{static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]),
                    static_cast<int>(v[3])};
}

Result<net::ClientResponse> Call(const std::string& service, const net::ClientRequest& req) {
  Result<net::ClientResponse> r = net::Fetch(req);
  if (!r.ok()) return r.status().Annotate(service);
  if (r->status < 200 || r->status >= 300) {
    return Status::Unavailable("HTTP " + std::to_string(r->status) + " from " + service + " (" +
                               req.url + ")");
  }
  return r;
}

}  // namespace tilsyn::recognition::remote
