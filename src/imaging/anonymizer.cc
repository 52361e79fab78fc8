#include "imaging/anonymizer.h"

namespace tilsyn::imaging {

Json AnonymizationReport::ToJson() const {
  Json j = Json::object();
  j["counts"] = Json::object();
  for (const auto& [cls, n] : counts) j["counts"][cls] = n;
  j["detectors"] = detectors;
  j["ms"] = ms;
  if (protected_regions > 0) j["protected_regions"] = protected_regions;
  if (!protections.empty()) {
    auto hits = [](const std::vector<ProtectionDecision::Hit>& hs) {
      Json a = Json::array();
      for (const auto& h : hs) a.push_back({{"class", h.cls}, {"score", h.score}});
      return a;
    };
    Json list = Json::array();
    for (const ProtectionDecision& p : protections) {
      list.push_back({{"reason", p.reason},
                      {"box", {p.box.x, p.box.y, p.box.width, p.box.height}},
                      {"kept", p.overridden_by.empty()},
                      {"withheld", hits(p.withheld)},
                      {"overridden_by", hits(p.overridden_by)}});
    }
    j["protected"] = std::move(list);
  }
  return j;
}

}  // namespace tilsyn::imaging
