// `tilsyn recognizer serve`: the local recognizers over the KServe v2 / Open Inference Protocol
// REST API, so recognition can run on another machine (a GPU box, the city's servers) and be
// used from `tilsyn serve` with a "kserve-v2" service. docs/recognition.md has the mapping:
//   models  = the configured local recognizers, by name, version "1";
//   input   = "image": BYTES [1], the JPEG (binary data extension, or base64 in plain JSON);
//   request parameters (optional): targets [{label, min_confidence}] (default: every label of
//             the model at 0.5), count_exactly;
//   outputs = "detections": BYTES [1], a JSON array [{label, score, box: [x, y, w, h]}];
//             "good_enough": BOOL [1].
// Errors are {"error": "…"} with 400 (bad request) or 404 (unknown model / route).
// The handler is thread-safe as the recognizers are (built-ins serialise internally).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "net/http.h"
#include "recognition/recognizer.h"

namespace tilsyn::recognition {

net::Handler NewKserveHandler(std::map<std::string, std::shared_ptr<Recognizer>> models);

struct RecognizerServeFlags {
  std::string config_file;  // JSON file with "recognizers" (the server's format); "" = defaults
  std::string listen = "127.0.0.1";
  int port = 8500;
};

// Serves every configured service whose terms are local until SIGINT/SIGTERM. Exit code.
int RunRecognizerServe(const RecognizerServeFlags& flags);

}  // namespace tilsyn::recognition
