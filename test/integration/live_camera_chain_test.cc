// The agent on a live camera: a real tilsyn-agent process reads an RTSP stream from loopback
// (GStreamer's RTSP server streaming vtest.avi) while a GPS log is replayed four times faster
// than it was driven, past three fences. The camera is killed after the first capture and comes
// back: the agent recovers and captures at the next fences, never outside one, and logs each
// capture's frame delay.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "core/clock.h"
#include "core/file_util.h"
#include "fakes/rtsp_server.h"
#include "harness.h"

namespace tilsyn::testing {
namespace {

constexpr geo::LatLon kStart{55.6800, 12.5600};

Json Task(const std::string& title, geo::LatLon at, TimeMs now) {
  Json t = demo::TaskJson(title, "absence",
                          {{"type", "Point"}, {"coordinates", {at.lon, at.lat}}, {"radius_m", 25}},
                          "person", 0.6, now);
  t["actions"] = {{{"type", "log"}, {"on", {"ok", "finding", "inconclusive"}}}};
  return t;
}

int CountLines(const std::string& text, const std::string& needle) {
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

TEST(LiveCameraChain, TheAgentRecoversFromALostCameraAndCapturesAtTheNextFences) {
  if (!HaveRtspServer()) GTEST_SKIP() << "opencv-doc or GStreamer's RTSP server library missing";
  RtspServer camera(FreeLoopbackPort());
  ChainHarness h;
  const TimeMs now = SystemClock::Get()->NowMs();
  // 1.2 km east at 30 km/h (144 s of fixes, 36 s replayed at 4x); fences at 150, 600, 1050 m.
  const geo::LatLon a = geo::Offset(kStart, 90, 150), b = geo::Offset(kStart, 90, 600),
                    c = geo::Offset(kStart, 90, 1050);
  auto fixes =
      demo::SampleRoute({kStart, geo::Offset(kStart, 90, 1200)}, 30, now - 10 * 60'000, 1.0, 7);
  const std::string gps = h.dir().Sub("drive.nmea");
  ASSERT_TRUE(demo::WriteNmea(gps, fixes).ok());
  const std::string ta = h.CreateActiveTask(Task("fence A", a, now));
  const std::string tb = h.CreateActiveTask(Task("fence B", b, now));
  const std::string tc = h.CreateActiveTask(Task("fence C", c, now));
  VehicleCreds v = h.RegisterVehicle("sweeper-rtsp");

  // Let the stream come up before the drive starts (the agent would otherwise just miss A).
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const std::string data = h.dir().Sub("agent");
  auto agent = demo::ChildProcess::Spawn(
      {BinDir() + "/tilsyn-agent", "--server", h.app().base_url(), "--data-dir", data, "--gps", gps,
       "--camera", camera.Url(), "--speed", "4", "--max-frame-age-ms", "2000"},
      {{"TILSYN_AGENT_TOKEN", v.token}}, data + ".out", data + ".log");
  ASSERT_TRUE(agent.ok()) << agent.status().ToString();

  // After the first capture the camera loses power for three seconds.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline && !agent->Poll()) {
    auto log = ReadFile(data + ".log");
    if (log.ok() && CountLines(*log, "agent.captured") >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  camera.Stop();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  camera.Start();

  ASSERT_EQ(agent->Wait(), 0) << *ReadFile(data + ".log");
  const std::string log = *ReadFile(data + ".log");
  Json report = ReadAgentReport(data + ".out");
  EXPECT_EQ(report.value("captures_outside_geofence", -1), 0) << report.dump();
  EXPECT_EQ(report.value("pending", -1), 0) << report.dump();
  EXPECT_GE(CountLines(log, "camera.lost"), 1) << log;
  // Every capture logged its frame delay.
  EXPECT_EQ(CountLines(log, "agent.captured"),
            CountLines(log, "frame_delay_ms\":") - CountLines(log, "agent.frame_out_of_sync"));
  ASSERT_TRUE(h.WaitDrained(120));
  std::map<std::string, int> per_task;
  auto assessments = h.store().ListAssessments({});
  ASSERT_TRUE(assessments.ok());
  for (const auto& as : *assessments) ++per_task[as.task_id];
  EXPECT_EQ(per_task[ta], 1) << log;
  EXPECT_EQ(per_task[tb], 1) << log;  // the first fence after the camera came back
  EXPECT_EQ(per_task[tc], 1) << log;
}

}  // namespace
}  // namespace tilsyn::testing
