#include "core/json_util.h"

#include <cmath>

namespace tilsyn {

Result<Json> ParseJson(std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("malformed JSON", "body");
  return j;
}

std::string StringOr(const Json& obj, std::string_view key, std::string_view fallback) {
  if (!obj.is_object()) return std::string(fallback);
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
}

std::string JoinPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

namespace {

const Json* Find(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Status Missing(std::string_view path) {
  return Status::InvalidArgument("required field is missing", std::string(path));
}
Status WrongType(std::string_view path, std::string_view want) {
  return Status::InvalidArgument("must be " + std::string(want), std::string(path));
}

}  // namespace

Result<std::optional<std::string>> GetOptString(const Json& obj, std::string_view key,
                                                std::string_view path) {
  const Json* v = Find(obj, key);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(path, "a string");
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::optional<double>> GetOptNumber(const Json& obj, std::string_view key,
                                           std::string_view path) {
  const Json* v = Find(obj, key);
  if (!v) return std::optional<double>();
  if (!v->is_number()) return WrongType(path, "a number");
  double d = v->get<double>();
  if (!std::isfinite(d)) return WrongType(path, "a finite number");
  return std::optional<double>(d);
}

Result<std::optional<int64_t>> GetOptInt(const Json& obj, std::string_view key,
                                         std::string_view path) {
  const Json* v = Find(obj, key);
  if (!v) return std::optional<int64_t>();
  if (v->is_number_integer()) return std::optional<int64_t>(v->get<int64_t>());
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
      return std::optional<int64_t>(static_cast<int64_t>(d));
    }
  }
  return WrongType(path, "an integer");
}

Result<std::optional<bool>> GetOptBool(const Json& obj, std::string_view key,
                                       std::string_view path) {
  const Json* v = Find(obj, key);
  if (!v) return std::optional<bool>();
  if (!v->is_boolean()) return WrongType(path, "true or false");
  return std::optional<bool>(v->get<bool>());
}

Result<std::optional<std::vector<std::string>>> GetOptStringList(const Json& obj,
                                                                 std::string_view key,
                                                                 std::string_view path) {
  const Json* v = Find(obj, key);
  if (!v) return std::optional<std::vector<std::string>>();
  if (!v->is_array()) return WrongType(path, "a list of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      return WrongType(std::string(path) + "[" + std::to_string(i) + "]", "a string");
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::string> GetString(const Json& obj, std::string_view key, std::string_view path) {
  TILSYN_ASSIGN_OR_RETURN(auto v, GetOptString(obj, key, path));
  if (!v) return Missing(path);
  return *v;
}
Result<double> GetNumber(const Json& obj, std::string_view key, std::string_view path) {
  TILSYN_ASSIGN_OR_RETURN(auto v, GetOptNumber(obj, key, path));
  if (!v) return Missing(path);
  return *v;
}
Result<int64_t> GetInt(const Json& obj, std::string_view key, std::string_view path) {
  TILSYN_ASSIGN_OR_RETURN(auto v, GetOptInt(obj, key, path));
  if (!v) return Missing(path);
  return *v;
}
Result<bool> GetBool(const Json& obj, std::string_view key, std::string_view path) {
  TILSYN_ASSIGN_OR_RETURN(auto v, GetOptBool(obj, key, path));
  if (!v) return Missing(path);
  return *v;
}

}  // namespace tilsyn
