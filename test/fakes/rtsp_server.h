// A loopback RTSP camera for tests: test/tools/rtsp_server.py (GStreamer's RTSP server library)
// streaming opencv-doc's vtest.avi at rtsp://127.0.0.1:PORT/cam, as a child process that Stop
// kills with SIGKILL (a camera losing power) and Start brings back on the same port.
#pragma once

#include <sys/types.h>

#include <string>

#include "fakes/test_paths.h"  // FreeLoopbackPort

namespace tilsyn::testing {

// Whether the video and the GStreamer RTSP packages are there (tests skip otherwise).
bool HaveRtspServer();

class RtspServer {
 public:
  explicit RtspServer(int port);
  ~RtspServer();
  void Start();
  void Stop();
  std::string Url() const;

 private:
  int port_;
  pid_t pid_ = -1;
};

}  // namespace tilsyn::testing
