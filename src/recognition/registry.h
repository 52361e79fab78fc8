// Registry: creates recognizers by type name from JSON settings (RocksDB CreateFromString
// style). Filled explicitly by RegisterBuiltins(); an unknown type or bad settings is an error
// value, reported at start-up.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/json_util.h"
#include "recognition/recognizer.h"

namespace tilsyn::recognition {

using Factory =
    std::function<Result<std::unique_ptr<Recognizer>>(const std::string& name, const Json& settings)>;

class Registry {
 public:
  // AlreadyExists when `type` is taken.
  Status Register(const std::string& type, Factory factory);
  // InvalidArgument (field "type") for an unknown type; the factory's error otherwise.
  Result<std::unique_ptr<Recognizer>> Create(const std::string& type, const std::string& name,
                                             const Json& settings) const;
  std::vector<std::string> Types() const;

 private:
  std::map<std::string, Factory> factories_;
};

// Registers "hog-person" (OpenCV HOG people detector), "cascade" (a Haar cascade from
// opencv-data, e.g. full body), "opencv-dnn" (a model-pack detector), "ocr" (Tesseract, Danish
// and English) and "change" (before/after against a reference image) — all local, no network.
void RegisterBuiltins(Registry& registry);

// The default chain used when the config names none: hog-person, then cascade on full bodies.
Result<std::unique_ptr<Recognizer>> DefaultChain(const Registry& registry, Clock* clock);

}  // namespace tilsyn::recognition
