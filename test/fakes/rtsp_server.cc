#include "fakes/rtsp_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "fakes/test_paths.h"

namespace tilsyn::testing {
namespace {
const char kVideo[] = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
}  // namespace

bool HaveRtspServer() {
  return std::filesystem::exists(kVideo) &&
         std::system(
             "/usr/bin/python3 -c \"import gi; gi.require_version('GstRtspServer', '1.0'); "
             "from gi.repository import GstRtspServer\" >/dev/null 2>&1") == 0;
}

RtspServer::RtspServer(int port) : port_(port) { Start(); }

RtspServer::~RtspServer() { Stop(); }

void RtspServer::Start() {
  if (pid_ > 0) return;
  const std::string script = SourceDir() + "/test/tools/rtsp_server.py";
  const std::string port = std::to_string(port_);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::execl("/usr/bin/python3", "python3", script.c_str(), kVideo, port.c_str(), nullptr);
    ::_exit(127);
  }
}

void RtspServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string RtspServer::Url() const { return "rtsp://127.0.0.1:" + std::to_string(port_) + "/cam"; }

}  // namespace tilsyn::testing
