#include "recognition/builtin/scaled_boxes.h"

#include "imaging/nms.h"

namespace tilsyn::recognition {

Recognition ScaledBoxesToRecognition(const std::vector<cv::Rect>& found,
                                     const std::vector<double>& scores, double scale,
                                     cv::Size size, const std::string& label, double min_score,
                                     const RecognizeRequest& req, const std::string& service) {
  std::vector<tasks::Detection> dets;
  const cv::Rect bounds(0, 0, size.width, size.height);
  for (size_t i = 0; i < found.size() && i < scores.size(); ++i) {
    if (scores[i] < min_score) continue;
    const cv::Rect r =
        cv::Rect(static_cast<int>(found[i].x / scale), static_cast<int>(found[i].y / scale),
                 static_cast<int>(found[i].width / scale),
                 static_cast<int>(found[i].height / scale)) &
        bounds;
    if (r.empty()) continue;
    dets.push_back({label, scores[i], {r.x, r.y, r.width, r.height}});
  }
  Recognition out;
  out.detections = imaging::SuppressOverlaps(std::move(dets), {.iou = 0.4, .containment = 0.8});
  out.good_enough = IsGoodEnough(out.detections, req);
  out.service = service;
  return out;
}

}  // namespace tilsyn::recognition
