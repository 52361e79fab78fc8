#include "recognition/remote/codec.h"

#include <cstring>

namespace tilsyn::recognition::remote {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetU32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(s[at + i])) << (8 * i);
  return v;
}

template <typename T>
void PutValue(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));  // this build targets little-endian machines only
  out.append(buf, sizeof(T));
}

template <typename T>
T GetValue(std::string_view s, size_t at) {
  T v;
  std::memcpy(&v, s.data() + at, sizeof(T));
  return v;
}

void Flatten(const Json& j, std::vector<const Json*>& out) {
  if (j.is_array()) {
    for (const Json& e : j) Flatten(e, out);
  } else {
    out.push_back(&j);
  }
}

Status PutJsonElement(std::string& raw, const std::string& dt, const Json& e,
                      const std::string& field) {
  if (dt == "BYTES") {
    if (!e.is_string()) return Status::InvalidArgument("BYTES data must be strings", field);
    const std::string& s = e.get_ref<const std::string&>();
    PutU32(raw, static_cast<uint32_t>(s.size()));
    raw += s;
    return Status::Ok();
  }
  if (dt == "BOOL") {
    if (!e.is_boolean() && !e.is_number()) return Status::InvalidArgument("BOOL data", field);
    raw.push_back(static_cast<char>(e.is_boolean() ? e.get<bool>() : e.get<double>() != 0));
    return Status::Ok();
  }
  if (!e.is_number()) return Status::InvalidArgument(dt + " data must be numbers", field);
  const double d = e.get<double>();
  if (dt == "FP32") PutValue<float>(raw, static_cast<float>(d));
  else if (dt == "FP64") PutValue<double>(raw, d);
  else if (dt == "INT8") PutValue<int8_t>(raw, static_cast<int8_t>(e.get<int64_t>()));
  else if (dt == "INT16") PutValue<int16_t>(raw, static_cast<int16_t>(e.get<int64_t>()));
  else if (dt == "INT32") PutValue<int32_t>(raw, static_cast<int32_t>(e.get<int64_t>()));
  else if (dt == "INT64") PutValue<int64_t>(raw, e.get<int64_t>());
  else if (dt == "UINT8") PutValue<uint8_t>(raw, static_cast<uint8_t>(e.get<uint64_t>()));
  else if (dt == "UINT16") PutValue<uint16_t>(raw, static_cast<uint16_t>(e.get<uint64_t>()));
  else if (dt == "UINT32") PutValue<uint32_t>(raw, static_cast<uint32_t>(e.get<uint64_t>()));
  else if (dt == "UINT64") PutValue<uint64_t>(raw, e.get<uint64_t>());
  else return Status::InvalidArgument("unsupported datatype " + dt, field);
  return Status::Ok();
}

int64_t ElementCount(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

// The tensor's data as a JSON array (flattened), for the plain JSON encoding.
Json DataToJson(const Tensor& t) {
  Json data = Json::array();
  if (t.datatype == "BYTES") {
    Result<std::vector<std::string>> el = BytesElements(t);
    if (el.ok()) {
      for (const std::string& s : *el) data.push_back(s);
    }
    return data;
  }
  if (t.datatype == "BOOL") {
    for (char c : t.raw) data.push_back(c != 0);
    return data;
  }
  Result<std::vector<double>> nums = NumericElements(t);
  if (!nums.ok()) return data;
  const bool integral = t.datatype != "FP32" && t.datatype != "FP64";
  for (double d : *nums) {
    if (integral) {
      data.push_back(static_cast<int64_t>(d));
    } else {
      data.push_back(d);
    }
  }
  return data;
}

}  // namespace

std::string Base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int k = 3; k >= 0; --k) out.push_back(kAlphabet[(v >> (6 * k)) & 63]);
  }
  if (i < in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (i + 1 < in.size()) v |= uint8_t(in[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    const char* p = std::strchr(kAlphabet, c);
    if (p == nullptr || c == '\0') return Status::InvalidArgument("invalid base64", "base64");
    acc = (acc << 6) | static_cast<uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

bool ValidPointer(const std::string& ptr) {
  try {
    Json::json_pointer p(ptr);
    (void)p;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

const Json* AtPointer(const Json& doc, const std::string& ptr) {
  try {
    Json::json_pointer p(ptr);
    if (!doc.contains(p)) return nullptr;
    return &doc.at(p);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::optional<size_t> ElementSize(std::string_view dt) {
  if (dt == "BOOL" || dt == "INT8" || dt == "UINT8") return 1;
  if (dt == "INT16" || dt == "UINT16" || dt == "FP16" || dt == "BF16") return 2;
  if (dt == "INT32" || dt == "UINT32" || dt == "FP32") return 4;
  if (dt == "INT64" || dt == "UINT64" || dt == "FP64") return 8;
  if (dt == "BYTES") return 0;
  return std::nullopt;
}

Tensor BytesTensor(std::string name, const std::vector<std::string>& elements) {
  Tensor t;
  t.name = std::move(name);
  t.datatype = "BYTES";
  t.shape = {static_cast<int64_t>(elements.size())};
  for (const std::string& e : elements) {
    PutU32(t.raw, static_cast<uint32_t>(e.size()));
    t.raw += e;
  }
  return t;
}

Tensor Fp32Tensor(std::string name, std::vector<int64_t> shape, const std::vector<float>& values) {
  Tensor t;
  t.name = std::move(name);
  t.datatype = "FP32";
  t.shape = std::move(shape);
  for (float v : values) PutValue<float>(t.raw, v);
  return t;
}

Tensor BoolTensor(std::string name, const std::vector<bool>& values) {
  Tensor t;
  t.name = std::move(name);
  t.datatype = "BOOL";
  t.shape = {static_cast<int64_t>(values.size())};
  for (bool v : values) t.raw.push_back(v ? 1 : 0);
  return t;
}

Result<std::vector<std::string>> BytesElements(const Tensor& t) {
  if (t.datatype != "BYTES") return Status::InvalidArgument("not a BYTES tensor", t.name);
  std::vector<std::string> out;
  size_t at = 0;
  while (at < t.raw.size()) {
    if (at + 4 > t.raw.size()) return Status::InvalidArgument("truncated BYTES length", t.name);
    const uint32_t n = GetU32(t.raw, at);
    at += 4;
    if (at + n > t.raw.size()) return Status::InvalidArgument("truncated BYTES element", t.name);
    out.push_back(t.raw.substr(at, n));
    at += n;
  }
  return out;
}

Result<std::vector<double>> NumericElements(const Tensor& t) {
  const std::optional<size_t> size = ElementSize(t.datatype);
  if (!size || *size == 0 || t.datatype == "FP16" || t.datatype == "BF16") {
    return Status::InvalidArgument("not a supported numeric tensor: " + t.datatype, t.name);
  }
  if (t.raw.size() % *size != 0) return Status::InvalidArgument("bad data size", t.name);
  std::vector<double> out;
  const std::string_view s = t.raw;
  for (size_t at = 0; at < s.size(); at += *size) {
    const std::string& dt = t.datatype;
    double v = 0;
    if (dt == "BOOL" || dt == "UINT8") v = GetValue<uint8_t>(s, at);
    else if (dt == "INT8") v = GetValue<int8_t>(s, at);
    else if (dt == "INT16") v = GetValue<int16_t>(s, at);
    else if (dt == "UINT16") v = GetValue<uint16_t>(s, at);
    else if (dt == "INT32") v = GetValue<int32_t>(s, at);
    else if (dt == "UINT32") v = GetValue<uint32_t>(s, at);
    else if (dt == "FP32") v = GetValue<float>(s, at);
    else if (dt == "INT64") v = static_cast<double>(GetValue<int64_t>(s, at));
    else if (dt == "UINT64") v = static_cast<double>(GetValue<uint64_t>(s, at));
    else if (dt == "FP64") v = GetValue<double>(s, at);
    out.push_back(v);
  }
  return out;
}

EncodedBody EncodeTensors(Json header, const std::string& key, const std::vector<Tensor>& tensors,
                          const std::vector<bool>& binary) {
  EncodedBody out;
  Json list = Json::array();
  std::string tail;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    Json j = {{"name", t.name}, {"datatype", t.datatype}, {"shape", t.shape}};
    Json params = t.parameters.is_object() ? t.parameters : Json::object();
    if (i < binary.size() && binary[i]) {
      params["binary_data_size"] = t.raw.size();
      tail += t.raw;
      out.binary = true;
    } else {
      j["data"] = DataToJson(t);
    }
    if (!params.empty()) j["parameters"] = params;
    list.push_back(std::move(j));
  }
  header[key] = std::move(list);
  out.body = header.dump(-1, ' ', false, Json::error_handler_t::replace);
  out.json_size = out.body.size();
  out.body += tail;
  return out;
}

Result<std::pair<Json, std::vector<Tensor>>> DecodeTensors(std::string_view body,
                                                           std::optional<size_t> json_size,
                                                           const std::string& key) {
  const size_t jn = json_size.value_or(body.size());
  if (jn > body.size()) {
    return Status::InvalidArgument("Inference-Header-Content-Length exceeds the body",
                                   "inference-header-content-length");
  }
  TILSYN_ASSIGN_OR_RETURN(Json header, ParseJson(body.substr(0, jn)));
  if (!header.is_object()) return Status::InvalidArgument("must be a JSON object", "body");
  std::vector<Tensor> tensors;
  size_t at = jn;
  if (header.contains(key)) {
    const Json& list = header[key];
    if (!list.is_array()) return Status::InvalidArgument("must be an array", key);
    for (size_t i = 0; i < list.size(); ++i) {
      const Json& j = list[i];
      const std::string p = key + "[" + std::to_string(i) + "]";
      if (!j.is_object()) return Status::InvalidArgument("must be an object", p);
      Tensor t;
      TILSYN_ASSIGN_OR_RETURN(t.name, GetString(j, "name", p + ".name"));
      TILSYN_ASSIGN_OR_RETURN(t.datatype, GetString(j, "datatype", p + ".datatype"));
      const std::optional<size_t> esize = ElementSize(t.datatype);
      if (!esize) return Status::InvalidArgument("unknown datatype", p + ".datatype");
      if (!j.contains("shape") || !j["shape"].is_array()) {
        return Status::InvalidArgument("must be an array of integers", p + ".shape");
      }
      for (const Json& d : j["shape"]) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0) {
          return Status::InvalidArgument("must be an array of integers", p + ".shape");
        }
        t.shape.push_back(d.get<int64_t>());
      }
      if (j.contains("parameters") && j["parameters"].is_object()) t.parameters = j["parameters"];
      const int64_t count = ElementCount(t.shape);
      if (t.parameters.contains("binary_data_size")) {
        const Json& n = t.parameters["binary_data_size"];
        if (!n.is_number_integer() || n.get<int64_t>() < 0) {
          return Status::InvalidArgument("must be a non-negative integer",
                                         p + ".parameters.binary_data_size");
        }
        const size_t size = n.get<size_t>();
        if (at + size > body.size()) {
          return Status::InvalidArgument("binary data runs past the body",
                                         p + ".parameters.binary_data_size");
        }
        t.raw.assign(body.substr(at, size));
        at += size;
        t.parameters.erase("binary_data_size");
        if (*esize > 0 && t.raw.size() != static_cast<size_t>(count) * *esize) {
          return Status::InvalidArgument("binary data size does not match shape and datatype",
                                         p + ".parameters.binary_data_size");
        }
      } else if (j.contains("data")) {
        std::vector<const Json*> flat;
        Flatten(j["data"], flat);
        if (static_cast<int64_t>(flat.size()) != count) {
          return Status::InvalidArgument("data has " + std::to_string(flat.size()) +
                                             " elements, shape says " + std::to_string(count),
                                         p + ".data");
        }
        for (const Json* e : flat) {
          TILSYN_RETURN_IF_ERROR(PutJsonElement(t.raw, t.datatype, *e, p + ".data"));
        }
      } else {
        return Status::InvalidArgument("needs data or parameters.binary_data_size", p);
      }
      tensors.push_back(std::move(t));
    }
  }
  return std::make_pair(std::move(header), std::move(tensors));
}

}  // namespace tilsyn::recognition::remote
