// LiveCamera against a real RTSP server on loopback (test/tools/rtsp_server.py: GStreamer's RTSP
// server library streaming opencv-doc's vtest.avi), including the server going away and coming
// back. Skips when the packages are missing. Waits are generous (a loaded 2-core CI machine).
#include "agent/camera/live_camera.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "fakes/rtsp_server.h"

namespace tilsyn::agent {
namespace {

using testing::FreeLoopbackPort;
using testing::HaveRtspServer;
using testing::RtspServer;

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
  EXPECT_FALSE(LiveCamera::IsLiveSource("/dev/video99999999999"));  // no number overflow later
}

TEST(LiveCamera, LogsNeverShowTheCamerasPassword) {
  EXPECT_EQ(RedactedCameraSource("rtsp://admin:s3cret@10.0.0.7:554/stream1"),
            "rtsp://***@10.0.0.7:554/stream1");
  EXPECT_EQ(RedactedCameraSource("rtsp://10.0.0.7/a@b"), "rtsp://10.0.0.7/a@b");
  EXPECT_EQ(RedactedCameraSource("/dev/video0"), "/dev/video0");
}

TEST(LiveCamera, NoCameraYetIsUnavailableNotAnError) {
  LiveCameraOptions o;
  o.source = "rtsp://127.0.0.1:" + std::to_string(FreeLoopbackPort()) + "/cam";  // nobody listens
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
  RtspServer server(FreeLoopbackPort());
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
