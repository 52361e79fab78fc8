#include "imaging/nms.h"

#include <algorithm>

namespace tilsyn::imaging {
namespace {

double Area(const tasks::Box& b) { return static_cast<double>(b.w) * b.h; }

double Intersection(const tasks::Box& a, const tasks::Box& b) {
  const int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  const int x1 = std::min(a.x + a.w, b.x + b.w), y1 = std::min(a.y + a.h, b.y + b.h);
  if (x1 <= x0 || y1 <= y0) return 0;
  return static_cast<double>(x1 - x0) * (y1 - y0);
}

}  // namespace

std::vector<tasks::Detection> SuppressOverlaps(std::vector<tasks::Detection> detections,
                                               const NmsOptions& o) {
  std::stable_sort(
      detections.begin(), detections.end(),
      [](const tasks::Detection& a, const tasks::Detection& b) { return a.score > b.score; });
  std::vector<tasks::Detection> kept;
  for (tasks::Detection& d : detections) {
    bool suppressed = false;
    for (const tasks::Detection& k : kept) {
      if (k.label != d.label) continue;
      const double inter = Intersection(d.box, k.box);
      const double uni = Area(d.box) + Area(k.box) - inter;
      const double smaller = std::min(Area(d.box), Area(k.box));
      if ((uni > 0 && inter / uni > o.iou) || (smaller > 0 && inter / smaller > o.containment)) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push_back(std::move(d));
  }
  return kept;
}

}  // namespace tilsyn::imaging
