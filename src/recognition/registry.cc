#include "recognition/registry.h"

#include "recognition/builtin/cascade_detector.h"
#include "recognition/builtin/change_detector.h"
#include "recognition/builtin/hog_person.h"
#include "recognition/builtin/ocr.h"
#include "recognition/builtin/opencv_dnn.h"
#include "recognition/fallback.h"

namespace tilsyn::recognition {

Status Registry::Register(const std::string& type, Factory factory) {
  if (factories_.count(type)) return Status::AlreadyExists("recognizer type taken: " + type);
  factories_[type] = std::move(factory);
  return Status::Ok();
}

Result<std::unique_ptr<Recognizer>> Registry::Create(const std::string& type,
                                                     const std::string& name,
                                                     const Json& settings) const {
  auto it = factories_.find(type);
  if (it == factories_.end()) {
    return Status::InvalidArgument("unknown recognizer type '" + type + "'", "type");
  }
  return it->second(name, settings);
}

std::vector<std::string> Registry::Types() const {
  std::vector<std::string> out;
  for (const auto& [type, f] : factories_) out.push_back(type);
  return out;
}

void RegisterBuiltins(Registry& registry) {
  // Ignoring AlreadyExists keeps a second call harmless.
  (void)registry.Register("hog-person", NewHogPersonRecognizer);
  (void)registry.Register("cascade", NewCascadeDetector);
  (void)registry.Register("opencv-dnn", [](const std::string& name, const Json& settings) {
    return NewOpenCvDnnRecognizer(name, settings);
  });
  (void)registry.Register("ocr", NewOcrRecognizer);
  (void)registry.Register("change", NewChangeRecognizer);
}

Result<std::unique_ptr<Recognizer>> DefaultChain(const Registry& registry, Clock* clock) {
  std::vector<std::shared_ptr<Recognizer>> chain;
  TILSYN_ASSIGN_OR_RETURN(auto hog, registry.Create("hog-person", "hog-person", Json::object()));
  chain.push_back(std::move(hog));
  TILSYN_ASSIGN_OR_RETURN(
      auto body, registry.Create("cascade", "cascade-fullbody",
                                 Json{{"cascade", "haarcascade_fullbody.xml"}, {"label", "person"}}));
  chain.push_back(std::move(body));
  return NewFallbackRecognizer("default", std::move(chain), clock);
}

}  // namespace tilsyn::recognition
