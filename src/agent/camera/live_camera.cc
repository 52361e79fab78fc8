#include "agent/camera/live_camera.h"

#include <algorithm>
#include <chrono>
#include <opencv2/videoio.hpp>

#include "core/log.h"

namespace tilsyn::agent {
namespace {

bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

bool IsDevice(const std::string& s) {
  // /dev/video0 … /dev/video999 (so the number always fits an int).
  if (!StartsWith(s, "/dev/video") || s.size() == 10 || s.size() > 13) return false;
  return std::all_of(s.begin() + 10, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string RedactedCameraSource(const std::string& source) {
  const size_t scheme = source.find("://");
  if (scheme == std::string::npos) return source;
  const size_t host = scheme + 3;
  const size_t at = source.find('@', host);
  const size_t slash = source.find('/', host);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return source;
  return source.substr(0, host) + "***@" + source.substr(at + 1);
}

namespace {

TimeMs SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Opens the stream with the backend its kind needs; null when it cannot be opened.
std::unique_ptr<cv::VideoCapture> OpenStream(const LiveCameraOptions& o, std::string* error) {
  try {
    std::unique_ptr<cv::VideoCapture> cap;
    if (IsDevice(o.source)) {
      cap = std::make_unique<cv::VideoCapture>(std::stoi(o.source.substr(10)), cv::CAP_V4L2);
      // A USB camera queues frames in its driver: keep that queue short.
      if (cap->isOpened()) cap->set(cv::CAP_PROP_BUFFERSIZE, 1);
    } else {
      cap = std::make_unique<cv::VideoCapture>(
          o.source, cv::CAP_FFMPEG,
          std::vector<int>{cv::CAP_PROP_OPEN_TIMEOUT_MSEC, o.open_timeout_ms,
                           cv::CAP_PROP_READ_TIMEOUT_MSEC, o.read_timeout_ms});
    }
    if (cap->isOpened()) return cap;
    *error = "cannot open the camera stream";
  } catch (const cv::Exception& e) {
    *error = std::string("cannot open the camera stream: ") + e.what();
  }
  return nullptr;
}

}  // namespace

bool LiveCamera::IsLiveSource(const std::string& s) {
  return StartsWith(s, "rtsp://") || StartsWith(s, "rtsps://") || StartsWith(s, "http://") ||
         StartsWith(s, "https://") || IsDevice(s);
}

Result<std::unique_ptr<LiveCamera>> LiveCamera::Open(LiveCameraOptions o) {
  if (!IsLiveSource(o.source)) {
    return Status::InvalidArgument("must be an rtsp:// or http(s):// URL or /dev/videoN", "camera");
  }
  if (o.max_frame_age_ms <= 0 || o.open_timeout_ms <= 0 || o.read_timeout_ms <= 0 ||
      o.max_backoff_ms < 1000) {
    return Status::InvalidArgument("timeouts must be positive, the backoff at least 1 s", "camera");
  }
  if (!o.now) o.now = SystemNowMs;
  std::unique_ptr<LiveCamera> cam(new LiveCamera(std::move(o)));
  cam->grabber_ = std::thread([c = cam.get()] { c->Grab(); });
  return cam;
}

LiveCamera::LiveCamera(LiveCameraOptions o) : o_(std::move(o)) { health_.state = "connecting"; }

LiveCamera::~LiveCamera() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (grabber_.joinable()) grabber_.join();
}

bool LiveCamera::SleepFor(int ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop_; });
}

void LiveCamera::Grab() {
  int backoff_ms = 1000;
  std::unique_ptr<cv::VideoCapture> cap;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) break;
    }
    if (!cap) {
      std::string error;
      cap = OpenStream(o_, &error);
      if (!cap) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          health_.last_error = error;
          if (health_.state != "connecting") health_.state = "reconnecting";
        }
        LogWarn("camera.unavailable", {{"camera", RedactedCameraSource(o_.source)},
                                       {"error", error},
                                       {"retry_in_ms", backoff_ms}});
        if (!SleepFor(backoff_ms)) break;
        backoff_ms = std::min(backoff_ms * 2, o_.max_backoff_ms);
        continue;
      }
      LogInfo("camera.connected", {{"camera", RedactedCameraSource(o_.source)}});
    }
    cv::Mat frame;
    bool ok = false;
    try {
      ok = cap->read(frame) && !frame.empty();
    } catch (const cv::Exception& e) {
      std::lock_guard<std::mutex> lock(mu_);
      health_.last_error = e.what();
    }
    if (ok) {
      backoff_ms = 1000;
      std::lock_guard<std::mutex> lock(mu_);
      newest_ = std::move(frame);
      newest_time_ = o_.now();
      ++health_.frames;
      health_.state = "streaming";
      continue;
    }
    // The stream stopped delivering (read timeout, end of stream, camera gone): reconnect.
    cap.reset();
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++health_.reconnects;
      health_.state = "reconnecting";
      if (health_.last_error.empty()) health_.last_error = "the stream stopped delivering frames";
    }
    LogWarn("camera.lost",
            {{"camera", RedactedCameraSource(o_.source)}, {"retry_in_ms", backoff_ms}});
    if (!SleepFor(backoff_ms)) break;
    backoff_ms = std::min(backoff_ms * 2, o_.max_backoff_ms);
  }
  std::lock_guard<std::mutex> lock(mu_);
  health_.state = "stopped";
}

Result<Frame> LiveCamera::Capture(const GpsFix& at) {
  std::lock_guard<std::mutex> lock(mu_);
  if (newest_.empty()) {
    return Status::Unavailable("no frame from the camera yet (" + health_.state + ")");
  }
  const TimeMs age = o_.now() - newest_time_;
  if (age > o_.max_frame_age_ms) {
    return Status::Unavailable("the camera's newest frame is " + std::to_string(age) + " ms old (" +
                               health_.state + ")");
  }
  // A copy: the grabber keeps writing new frames while the caller anonymizes this one.
  return Frame{newest_.clone(), o_.fixes_on_wall_clock ? newest_time_ : at.time - age};
}

void LiveCamera::SetMaxFrameAgeMs(int64_t ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (ms > 0) o_.max_frame_age_ms = static_cast<int>(ms);
}

CameraHealth LiveCamera::Health() const {
  std::lock_guard<std::mutex> lock(mu_);
  CameraHealth h = health_;
  if (!newest_.empty()) {
    h.last_frame_age_ms = o_.now() - newest_time_;
    if (h.state == "streaming" && h.last_frame_age_ms > o_.max_frame_age_ms) h.state = "stale";
  }
  return h;
}

}  // namespace tilsyn::agent
