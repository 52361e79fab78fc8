// Small codecs shared by the remote adapters and `tilsyn recognizer serve`: base64, JSON-pointer
// lookups that never throw, and the Open Inference Protocol (KServe v2) tensor encoding, plain
// JSON and with the binary data extension (docs/recognition.md, "KServe mapping").
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_util.h"

namespace tilsyn::recognition::remote {

std::string Base64Encode(std::string_view bytes);
// InvalidArgument on characters outside the standard alphabet (whitespace is skipped).
Result<std::string> Base64Decode(std::string_view text);

// The value at JSON pointer `ptr` ("" = the whole document), or nullptr when absent or the
// pointer is malformed.
const Json* AtPointer(const Json& doc, const std::string& ptr);
// False when `ptr` is not a syntactically valid JSON pointer.
bool ValidPointer(const std::string& ptr);

// One tensor. `raw` holds the data in the binary extension's layout: little-endian, row-major;
// a BYTES element is a 4-byte little-endian length followed by its bytes.
struct Tensor {
  std::string name;
  std::string datatype;  // BOOL, UINT8…UINT64, INT8…INT64, FP32, FP64, BYTES
  std::vector<int64_t> shape;
  std::string raw;
  Json parameters = Json::object();  // other parameters, kept as given
};

// Bytes per element of a fixed-size datatype; 0 for BYTES; nullopt for unknown datatypes.
std::optional<size_t> ElementSize(std::string_view datatype);

Tensor BytesTensor(std::string name, const std::vector<std::string>& elements);
Tensor Fp32Tensor(std::string name, std::vector<int64_t> shape, const std::vector<float>& values);
Tensor BoolTensor(std::string name, const std::vector<bool>& values);
// The elements of a BYTES tensor; InvalidArgument when the layout is broken.
Result<std::vector<std::string>> BytesElements(const Tensor& t);
// Any numeric tensor as doubles (BOOL as 0/1); InvalidArgument for BYTES or a bad size.
Result<std::vector<double>> NumericElements(const Tensor& t);

// An encoded request or response: the JSON header, then (when `binary`) the tensors' raw data
// in order. `json_size` is the value of the Inference-Header-Content-Length header.
struct EncodedBody {
  std::string body;
  size_t json_size = 0;
  bool binary = false;
};

// Puts `tensors` under `key` ("inputs" or "outputs") of `header`. Tensors whose index is in
// `binary` (or all, when binary_all) go as binary data with parameters.binary_data_size; the
// others as JSON "data" (BYTES elements as JSON strings: they must be valid UTF-8).
EncodedBody EncodeTensors(Json header, const std::string& key, const std::vector<Tensor>& tensors,
                          const std::vector<bool>& binary);

// Parses a body: `json_size` from the Inference-Header-Content-Length header (nullopt = the
// whole body is JSON). Returns the header and the tensors under `key` with their raw data,
// whether given as JSON "data" or binary. InvalidArgument naming the tensor for any mismatch.
Result<std::pair<Json, std::vector<Tensor>>> DecodeTensors(std::string_view body,
                                                           std::optional<size_t> json_size,
                                                           const std::string& key);

}  // namespace tilsyn::recognition::remote
