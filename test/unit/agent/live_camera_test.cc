// LiveCamera against a real RTSP server on loopback (test/tools/rtsp_server.py: GStreamer's RTSP
// server library streaming opencv-doc's vtest.avi), including the server going away and coming
// back. Skips when the packages are missing. Waits are generous (a loaded 2-core CI machine).
#include "agent/camera/live_camera.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "fakes/test_paths.h"

namespace tilsyn::agent {
namespace {

const char kVideo[] = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool HaveRtspServer() {
  return std::filesystem::exists(kVideo) &&
         std::system("/usr/bin/python3 -c \"import gi; gi.require_version('GstRtspServer', '1.0'); "
                     "from gi.repository import GstRtspServer\" >/dev/null 2>&1") == 0;
}

// The RTSP server as a child process; killed (SIGKILL, like a camera losing power) on Stop.
class RtspServer {
 public:
  explicit RtspServer(int port) : port_(port) { Start(); }
  ~RtspServer() { Stop(); }
  void Start() {
    const std::string script = testing::SourceDir() + "/test/tools/rtsp_server.py";
    const std::string port = std::to_string(port_);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/usr/bin/python3", "python3", script.c_str(), kVideo, port.c_str(), nullptr);
      ::_exit(127);
    }
  }
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::string Url() const { return "rtsp://127.0.0.1:" + std::to_string(port_) + "/cam"; }

 private:
  int port_;
  pid_t pid_ = -1;
};

template <typename Pred>
bool WaitUntil(Pred pred, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return pred();
}

TEST(LiveCamera, RefusesASourceThatIsNotACamera) {
  for (const char* s : {"", "/tmp/replay", "/dev/video", "/dev/videoX", "ftp://cam/1"}) {
    LiveCameraOptions o;
    o.source = s;
    auto c = LiveCamera::Open(o);
    ASSERT_FALSE(c.ok()) << s;
    EXPECT_EQ(c.status().field(), "camera");
  }
  EXPECT_TRUE(LiveCamera::IsLiveSource("rtsp://10.0.0.7:554/stream1"));
  EXPECT_TRUE(LiveCamera::IsLiveSource("/dev/video0"));
  EXPECT_FALSE(LiveCamera::IsLiveSource("/var/lib/tilsyn/replay.avi"));
}

TEST(LiveCamera, NoCameraYetIsUnavailableNotAnError) {
  LiveCameraOptions o;
  o.source = "rtsp://127.0.0.1:" + std::to_string(FreePort()) + "/cam";  // nobody listens
  o.open_timeout_ms = 500;
  auto cam = LiveCamera::Open(o);
  ASSERT_TRUE(cam.ok());
  auto f = (*cam)->Capture(GpsFix{});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), Code::kUnavailable);
  EXPECT_TRUE(WaitUntil([&] { return !(*cam)->Health().last_error.empty(); }, 60));
}

TEST(LiveCamera, StreamsTheNewestFrameAndComesBackAfterTheServerDoes) {
  if (!HaveRtspServer()) GTEST_SKIP() << "opencv-doc or GStreamer's RTSP server library missing";
  RtspServer server(FreePort());
  LiveCameraOptions o;
  o.source = server.Url();
  o.read_timeout_ms = 2000;
  o.max_backoff_ms = 2000;
  auto opened = LiveCamera::Open(o);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  LiveCamera& cam = **opened;
  ASSERT_TRUE(WaitUntil([&] { return cam.Health().frames >= 10; }, 90)) << cam.Health().last_error;

  // A trigger gets the newest frame: it arrived within the freshness limit, with its own time.
  auto f = cam.Capture(GpsFix{});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->image.cols, 768);
  EXPECT_EQ(f->image.rows, 576);
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_LE(now - f->time, o.max_frame_age_ms);
  EXPECT_EQ(cam.Health().state, "streaming");

  // With replayed positions the fix handed over stands for "now": the frame's time is on its
  // clock, earlier by the frame's age.
  LiveCameraOptions replay = o;
  replay.fixes_on_wall_clock = false;
  auto second = LiveCamera::Open(replay);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(WaitUntil([&] { return (*second)->Health().frames >= 3; }, 90));
  GpsFix historic;
  historic.time = 1'600'000'000'000;
  auto g = (*second)->Capture(historic);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_LE(g->time, historic.time);
  EXPECT_GE(g->time, historic.time - replay.max_frame_age_ms);
  second->reset();

  // The camera goes away: no stale frame is handed out, the state says so.
  server.Stop();
  ASSERT_TRUE(WaitUntil([&] { return !cam.Capture(GpsFix{}).ok(); }, 60));
  ASSERT_TRUE(WaitUntil([&] { return cam.Health().state == "reconnecting"; }, 60))
      << cam.Health().state;

  // It comes back: the grabber reconnects on its own and frames flow again.
  const int64_t before = cam.Health().frames;
  server.Start();
  ASSERT_TRUE(WaitUntil([&] { return cam.Health().frames > before + 5; }, 120))
      << cam.Health().last_error;
  EXPECT_TRUE(cam.Capture(GpsFix{}).ok());
  EXPECT_GE(cam.Health().reconnects, 1);
}

}  // namespace
}  // namespace tilsyn::agent
