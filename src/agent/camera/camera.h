// Camera: the seam the agent takes pictures through — a replay folder or video file today, V4L2 or
// RTSP later. Capture returns raw pixels in memory only; the caller anonymizes them before any
// byte is written or sent (privacy invariant 2). Implementations are used from one thread.
#pragma once

#include <opencv2/core.hpp>
#include <string>

#include "agent/gps/gps_source.h"
#include "core/result.h"

namespace tilsyn::agent {

struct Frame {
  cv::Mat image;    // 8-bit BGR, or grayscale/BGRA the caller converts
  TimeMs time = 0;  // when it was exposed, on the GPS fixes' clock (frame/fix sync)
};

class Camera {
 public:
  virtual ~Camera() = default;
  // The frame for the trigger at fix `at`, with its own time (a replay's frame belongs to its
  // fix; a live camera's is its newest). An error when no frame can be produced; the caller may
  // retry at a later fix.
  virtual Result<Frame> Capture(const GpsFix& at) = 0;
  // For the heartbeat (tasks/heartbeat.h): a live camera's health state, "replay" for a replayed
  // source. Thread-safe (the heartbeat asks from its own thread).
  virtual std::string State() const { return "replay"; }
  // Remote settings: a live camera's newest frame older than this is not used. Thread-safe.
  virtual void SetMaxFrameAgeMs(int64_t /*ms*/) {}
};

}  // namespace tilsyn::agent
