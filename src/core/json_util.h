// Typed access to untrusted JSON with errors that name the field (as a JSON-pointer-like path,
// e.g. "area.coordinates[0]"). Every API input goes through these, so a malformed body gives a
// 400 naming the field and never an exception.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tilsyn {

using Json = nlohmann::json;

// Parses text; InvalidArgument("malformed JSON: …", field "body") on a syntax error.
Result<Json> ParseJson(std::string_view text);

// Field readers: `path` is the field's full name for the error. The Opt variants return nullopt
// when the key is absent or null, and an error when it has the wrong type.
Result<std::string> GetString(const Json& obj, std::string_view key, std::string_view path);
Result<double> GetNumber(const Json& obj, std::string_view key, std::string_view path);
Result<int64_t> GetInt(const Json& obj, std::string_view key, std::string_view path);
Result<bool> GetBool(const Json& obj, std::string_view key, std::string_view path);
Result<std::optional<std::string>> GetOptString(const Json& obj, std::string_view key,
                                                std::string_view path);
Result<std::optional<double>> GetOptNumber(const Json& obj, std::string_view key,
                                           std::string_view path);
Result<std::optional<int64_t>> GetOptInt(const Json& obj, std::string_view key,
                                         std::string_view path);
Result<std::optional<bool>> GetOptBool(const Json& obj, std::string_view key,
                                       std::string_view path);
// A list of strings; an element of another type is named as path[i].
Result<std::optional<std::vector<std::string>>> GetOptStringList(const Json& obj,
                                                                 std::string_view key,
                                                                 std::string_view path);

// obj[key] when `obj` is an object and that member is a string, else `fallback` — never throws
// (Json::value() throws when the member has another type: `{"type": 5}` from an import file).
std::string StringOr(const Json& obj, std::string_view key, std::string_view fallback = "");

// "a" + "b" -> "a.b"; "" + "b" -> "b".
std::string JoinPath(std::string_view parent, std::string_view key);

}  // namespace tilsyn
