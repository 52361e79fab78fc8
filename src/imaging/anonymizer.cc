#include "imaging/anonymizer.h"

namespace tilsyn::imaging {

Json AnonymizationReport::ToJson() const {
  Json j = Json::object();
  j["counts"] = Json::object();
  for (const auto& [cls, n] : counts) j["counts"][cls] = n;
  j["detectors"] = detectors;
  j["ms"] = ms;
  if (protected_regions > 0) j["protected_regions"] = protected_regions;
  return j;
}

}  // namespace tilsyn::imaging
