// Camera: the seam the agent takes pictures through — a replay folder or video file today, V4L2 or
// RTSP later. Capture returns raw pixels in memory only; the caller anonymizes them before any
// byte is written or sent (privacy invariant 2). Implementations are used from one thread.
#pragma once

#include <opencv2/core.hpp>

#include "agent/gps/gps_source.h"
#include "core/result.h"

namespace tilsyn::agent {

class Camera {
 public:
  virtual ~Camera() = default;
  // A frame taken at `at` (8-bit BGR, or grayscale/BGRA the caller converts). An error when no
  // frame can be produced; the caller may retry at a later fix.
  virtual Result<cv::Mat> Capture(const GpsFix& at) = 0;
};

}  // namespace tilsyn::agent
