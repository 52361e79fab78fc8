// LiveCamera: a camera on the vehicle — an IP camera (rtsp://, http://, https://) through
// OpenCV's FFmpeg backend, or a USB camera (/dev/videoN) through V4L2. A grabber thread reads
// continuously and keeps only the newest frame with the time it arrived, so a trigger never gets
// a stale frame from a decoder's buffer; when the stream fails (camera off, cable, network) it
// reconnects with a backoff of 1 s doubling to 30 s. Capture hands out the newest frame when it
// is fresher than `max_frame_age_ms`, else Unavailable (the agent retries at the next fix).
// Frames stay in memory; the caller anonymizes them before any byte is written (invariant 2).
// Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "agent/camera/camera.h"

namespace tilsyn::agent {

struct LiveCameraOptions {
  std::string source;           // rtsp://…, http(s)://…, or /dev/videoN
  int max_frame_age_ms = 1000;  // older newest frame: Unavailable ("stale")
  int open_timeout_ms = 10000;  // connecting to the stream
  int read_timeout_ms = 5000;   // a stream that stops delivering is reconnected
  int max_backoff_ms = 30000;   // reconnect backoff: 1 s doubling to this
  // Wall clock in ms (UTC); a frame's arrival is measured on it.
  std::function<TimeMs()> now;
  // true: the fixes carry wall-clock time (gpsd), so a frame's time is its arrival. false: the
  // fixes are replayed with historical times; the fix a trigger hands over stands for "now", and
  // a frame's time is that fix's time less the frame's age.
  bool fixes_on_wall_clock = true;
};

struct CameraHealth {
  std::string state;               // connecting | streaming | stale | reconnecting | stopped
  int64_t frames = 0;              // frames received
  int64_t reconnects = 0;          // streams lost and retried
  int64_t last_frame_age_ms = -1;  // -1 = none yet
  std::string last_error;          // the last failure, for logs
};

// The source as logs show it: an IP camera's URL often carries user:password@, which is masked.
std::string RedactedCameraSource(const std::string& source);

class LiveCamera : public Camera {
 public:
  // InvalidArgument (field "camera") for a source that is neither a stream URL nor /dev/videoN.
  // Does not wait for the camera: the grabber connects in the background.
  static Result<std::unique_ptr<LiveCamera>> Open(LiveCameraOptions o);
  ~LiveCamera() override;  // stops the grabber

  Result<Frame> Capture(const GpsFix& at) override;
  CameraHealth Health() const;
  std::string State() const override { return Health().state; }
  void SetMaxFrameAgeMs(int64_t ms) override;

  // Whether `source` names a live camera (rather than a replay folder or file).
  static bool IsLiveSource(const std::string& source);

 private:
  explicit LiveCamera(LiveCameraOptions o);
  void Grab();
  bool SleepFor(int ms);  // false when stopping

  LiveCameraOptions o_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  cv::Mat newest_;
  TimeMs newest_time_ = 0;
  CameraHealth health_;
  std::thread grabber_;
};

}  // namespace tilsyn::agent
