#include "tasks/detection.h"

namespace tilsyn::tasks {

Json DetectionsToJson(const std::vector<Detection>& ds) {
  Json out = Json::array();
  for (const Detection& d : ds) {
    Json e = {{"label", d.label},
              {"score", d.score},
              {"box", {{"x", d.box.x}, {"y", d.box.y}, {"w", d.box.w}, {"h", d.box.h}}}};
    if (!d.text.empty()) e["text"] = d.text;
    if (d.area_fraction > 0) e["area_fraction"] = d.area_fraction;
    out.push_back(std::move(e));
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
    if (e.contains("text") && e["text"].is_string()) d.text = e["text"].get<std::string>();
    if (e.contains("area_fraction") && e["area_fraction"].is_number()) {
      d.area_fraction = e["area_fraction"].get<double>();
    }
    out.push_back(d);
  }
  return out;
}

}  // namespace tilsyn::tasks
