// VideoCamera: a replay camera over a video file (cv::VideoCapture). Each Capture returns the next
// frame; at the end it starts again from the first frame. Not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "agent/camera/camera.h"

namespace cv {
class VideoCapture;
}

namespace tilsyn::agent {

class VideoCamera : public Camera {
 public:
  // NotFound (field "video") when the file is missing; InvalidArgument when OpenCV cannot read it.
  static Result<std::unique_ptr<VideoCamera>> Open(const std::string& path);
  ~VideoCamera() override;

  Result<Frame> Capture(const GpsFix& at) override;

 private:
  explicit VideoCamera(std::unique_ptr<cv::VideoCapture> cap, std::string path);
  std::unique_ptr<cv::VideoCapture> cap_;
  std::string path_;
};

}  // namespace tilsyn::agent
