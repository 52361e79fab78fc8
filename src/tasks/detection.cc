#include "tasks/detection.h"

namespace tilsyn::tasks {

Json DetectionsToJson(const std::vector<Detection>& ds) {
  Json out = Json::array();
  for (const Detection& d : ds) {
    out.push_back({{"label", d.label},
                   {"score", d.score},
                   {"box", {{"x", d.box.x}, {"y", d.box.y}, {"w", d.box.w}, {"h", d.box.h}}}});
  }
  return out;
}

std::vector<Detection> DetectionsFromJson(const Json& j) {
  std::vector<Detection> out;
  if (!j.is_array()) return out;
  for (const Json& e : j) {
    if (!e.is_object() || !e.contains("label") || !e["label"].is_string()) continue;
    Detection d;
    d.label = e["label"].get<std::string>();
    d.score = e.value("score", 0.0);
    if (e.contains("box") && e["box"].is_object()) {
      const Json& b = e["box"];
      d.box = {b.value("x", 0), b.value("y", 0), b.value("w", 0), b.value("h", 0)};
    }
    out.push_back(d);
  }
  return out;
}

}  // namespace tilsyn::tasks
