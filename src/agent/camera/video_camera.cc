#include "agent/camera/video_camera.h"

#include <filesystem>
#include <opencv2/videoio.hpp>

namespace tilsyn::agent {

VideoCamera::VideoCamera(std::unique_ptr<cv::VideoCapture> cap, std::string path)
    : cap_(std::move(cap)), path_(std::move(path)) {}

VideoCamera::~VideoCamera() = default;

Result<std::unique_ptr<VideoCamera>> VideoCamera::Open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::NotFound("video file not found: " + path, "video");
  }
  try {
    auto cap = std::make_unique<cv::VideoCapture>(path);
    if (!cap->isOpened()) return Status::InvalidArgument("cannot open video " + path, "video");
    return std::unique_ptr<VideoCamera>(new VideoCamera(std::move(cap), path));
  } catch (const cv::Exception& e) {
    return Status::InvalidArgument("cannot open video " + path + ": " + e.what(), "video");
  }
}

Result<Frame> VideoCamera::Capture(const GpsFix& at) {
  try {
    // A replayed file runs in step with the replayed GPS: the frame belongs to the fix.
    cv::Mat frame;
    if (cap_->read(frame) && !frame.empty()) return Frame{std::move(frame), at.time};
    // End of the file: loop to the start (re-open when seeking is not supported).
    if (!cap_->set(cv::CAP_PROP_POS_FRAMES, 0) || !cap_->read(frame) || frame.empty()) {
      cap_ = std::make_unique<cv::VideoCapture>(path_);
      if (!cap_->isOpened() || !cap_->read(frame) || frame.empty()) {
        return Status::Unavailable("no frame from video " + path_);
      }
    }
    return Frame{std::move(frame), at.time};
  } catch (const cv::Exception& e) {
    return Status::Unavailable(std::string("video capture failed: ") + e.what());
  }
}

}  // namespace tilsyn::agent
