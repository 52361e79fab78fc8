// "kserve-v2": a client of the KServe v2 / Open Inference Protocol REST API (the protocol of
// KServe, Triton, Seldon MLServer, OpenVINO Model Server and `tilsyn recognizer serve`):
//   GET  /v2                                   server metadata
//   GET  /v2/health/ready                      server readiness (200 = ready)
//   GET  /v2/models/{m}[/versions/{v}]         model metadata
//   GET  /v2/models/{m}[/versions/{v}]/ready   model readiness
//   POST /v2/models/{m}[/versions/{v}]/infer   inference, plain JSON tensors or the binary data
//        extension (Inference-Header-Content-Length; parameters.binary_data_size per tensor;
//        parameters.binary_data on requested outputs).
// Same privacy contract as http_json.h: only the anonymized image handed to Recognize() is sent.
//
// Settings (errors name the field): url (base, required), model (required), version, labels
// (required), label_map, headers / auth_header / auth_value(_env), timeout_ms (10000),
// binary_data (true), check_ready (true: server and model readiness are checked before the
// first inference and after a failure),
//   input:  {"name": "image", "format": "jpeg-bytes" (a BYTES tensor [1] holding the JPEG) |
//            "fp32-nchw" (resized to width × height, RGB unless swap_rb is false, times scale
//            (1/255), shape [1, 3, H, W]), "width", "height", "jpeg_quality" (90)}
//   output: {"format": "detections-json" (default: a BYTES tensor `name` ("detections") whose
//            first element is a JSON array [{label, score, box: [x, y, w, h]}] — what
//            `tilsyn recognizer serve` answers; the request then carries parameters.targets) |
//            "boxes-scores-classes" (tensors `boxes` [N,4] or [1,N,4], `scores` [N],
//            `classes` [N] indexing `class_labels`; box_format "xyxy-normalized" (default) or
//            "xyxy" in input pixels)}
// A non-2xx answer is Unavailable; a malformed one Internal("garbage answer …").
// Thread-safe (the readiness flag is atomic; everything else is per call).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "recognition/recognizer.h"
#include "recognition/remote/codec.h"
#include "recognition/remote/common.h"

namespace tilsyn::recognition {

// The protocol calls, usable on their own (tests, diagnostics).
class KserveV2Client {
 public:
  KserveV2Client(std::string base_url, remote::Headers headers, int timeout_ms)
      : base_(std::move(base_url)), headers_(std::move(headers)), timeout_ms_(timeout_ms) {}

  Result<Json> ServerMetadata() const;
  Result<Json> ModelMetadata(const std::string& model, const std::string& version = "") const;
  // Ok when ready; Unavailable otherwise.
  Status ServerReady() const;
  Status ModelReady(const std::string& model, const std::string& version = "") const;
  // Sends `inputs` (all binary when `binary`) and asks for `outputs` (binary when `binary`).
  // `parameters` become the request's parameters (may be empty). Returns the output tensors.
  Result<std::vector<remote::Tensor>> Infer(const std::string& model, const std::string& version,
                                            const std::vector<remote::Tensor>& inputs,
                                            const std::vector<std::string>& outputs, bool binary,
                                            const Json& parameters) const;

 private:
  std::string ModelPath(const std::string& model, const std::string& version) const;
  std::string base_;
  remote::Headers headers_;
  int timeout_ms_;
};

Result<std::unique_ptr<Recognizer>> NewKserveV2Recognizer(const std::string& name,
                                                          const Json& settings);

}  // namespace tilsyn::recognition
