// Pulling the plug on the vehicle: the real agent is killed with SIGKILL at 100 random moments
// while it captures and uploads (each run a new paced drive past a row of fences, the same data
// folder throughout, so every start first uploads what the killed run left), then runs to the
// end. Every capture it ever stored is on the
// server exactly once or still in its outbox — none lost — and the outbox never holds a JPEG or
// EXIF byte sequence in plain text, not even in a file cut short by the kill.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "core/clock.h"
#include "core/file_util.h"
#include "harness.h"
#include "imaging/jpeg.h"

namespace tilsyn::testing {
namespace {
namespace fs = std::filesystem;

constexpr geo::LatLon kStart{55.6700, 12.5400};
constexpr int kFences = 8;
constexpr int kKills = 100;

// Ids the agent logged as stored in its outbox ("agent.captured" is logged after the write).
void CollectCaptured(const std::string& log, std::set<std::string>* ids) {
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"agent.captured\"") == std::string::npos) continue;
    Result<Json> j = ParseJson(line);
    if (j.ok() && j->contains("id")) ids->insert((*j)["id"].get<std::string>());
  }
}

// Plaintext image bytes anywhere in the outbox folder (sealed files, temp files, leftovers): a
// JPEG's start of image with its first segment (4 bytes, so random ciphertext matches once in
// 2^32 positions, unlike the 3-byte marker alone), or a JFIF or EXIF header. Every file there
// must also be sealed ("TLSYNOBX").
std::string PlaintextIn(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string bytes = ReadFile(e.path().string()).value_or("");
    const std::string name = e.path().filename().string();
    for (const char* soi : {"\xFF\xD8\xFF\xE0", "\xFF\xD8\xFF\xE1", "\xFF\xD8\xFF\xDB"}) {
      if (bytes.find(soi) != std::string::npos) return name + ": JPEG start of image";
    }
    if (bytes.find("JFIF") != std::string::npos) return name + ": JFIF";
    if (bytes.find("Exif") != std::string::npos) return name + ": EXIF";
    const std::string magic = "TLSYNOBX";  // a file cut short may hold only part of it
    if (bytes.substr(0, magic.size()) != magic.substr(0, std::min(magic.size(), bytes.size()))) {
      return name + ": not sealed";
    }
  }
  return "";
}

TEST(PowerLoss, HundredKillsDuringCaptureAndUploadLoseNothing) {
  ChainHarness h({.pipeline = false});  // delivery is the question, not assessment
  const TimeMs now = SystemClock::Get()->NowMs();
  std::vector<std::string> tasks;
  std::string index = "lat,lon,file,frame\n";
  // A small frame: the runs should spend their time capturing and uploading, not detecting.
  cv::Mat street(240, 320, CV_8UC3);
  cv::randu(street, cv::Scalar::all(0), cv::Scalar::all(255));
  const std::string frame = h.dir().Sub("street.jpg");
  ASSERT_TRUE(WriteFileAtomic(frame, imaging::EncodeJpeg(street, 90).value()).ok());
  for (int i = 0; i < kFences; ++i) {
    geo::LatLon at = geo::Offset(kStart, 90, 100 + i * 100.0);
    tasks.push_back(h.CreateActiveTask(
        demo::TaskJson("fence " + std::to_string(i), "absence",
                       {{"type", "Point"}, {"coordinates", {at.lon, at.lat}}, {"radius_m", 20}},
                       "person", 0.6, now)));
    index += std::to_string(at.lat) + "," + std::to_string(at.lon) + "," + frame + ",-1\n";
  }
  const std::string cam = h.dir().Sub("camera");
  ASSERT_TRUE(MakeDirs(cam).ok());
  ASSERT_TRUE(WriteFileAtomic(cam + "/index.csv", index).ok());
  VehicleCreds v = h.RegisterVehicle("sweeper-power");
  const std::string data = h.dir().Sub("agent");

  // Drive k starts 2 min of GPS time after drive k-1: each is a new pass of every fence.
  int drive = 0;
  std::string gps;
  auto next_drive = [&] {
    auto fixes = demo::SampleRoute({kStart, geo::Offset(kStart, 90, 100 + kFences * 100.0)}, 40,
                                   now - 12 * 3'600'000 + drive * 120'000, 0.5, 7 + drive);
    gps = h.dir().Sub("drive" + std::to_string(drive++) + ".nmea");
    ASSERT_TRUE(demo::WriteNmea(gps, fixes).ok());
  };
  next_drive();
  auto spawn = [&](int n) {
    // Paced (80 s of driving in about a second) and with the cheap cascade anonymizer, so a
    // run spends its time capturing and uploading rather than starting.
    auto c = demo::ChildProcess::Spawn(
        {BinDir() + "/tilsyn-agent", "--server", h.app().base_url(), "--data-dir", data, "--gps",
         gps, "--camera-dir", cam, "--speed", "80", "--anonymizer-detectors", "haar-face",
         "--sync-interval", "30"},
        {{"TILSYN_AGENT_TOKEN", v.token}}, data + ".out",
        h.dir().Sub("run" + std::to_string(n) + ".log"));
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(c).value();
  };

  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> when(0, 1300);  // a drive takes about 1.3 s
  std::set<std::string> captured;
  int kills = 0, runs = 0;
  while (kills < kKills && runs < 4 * kKills) {
    demo::ChildProcess agent = spawn(runs);
    // The kill lands after start-up (models, keys, first sync), amid capturing and uploading.
    const std::string log = h.dir().Sub("run" + std::to_string(runs) + ".log");
    for (int i = 0; i < 1000 && !agent.Poll(); ++i) {
      if (ReadFile(log).value_or("").find("\"agent.start\"") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(when(rng)));
    agent.Signal(SIGKILL);  // no-op when the run has ended already
    const int code = agent.Wait();
    if (code == 128 + SIGKILL) {
      ++kills;
    } else {  // the drive ended first (also just before the signal)
      EXPECT_EQ(code, 0) << ReadFile(log).value_or("");
    }
    next_drive();
    CollectCaptured(ReadFile(log).value_or(""), &captured);
    ++runs;
    const std::string leak = PlaintextIn(data + "/outbox");
    ASSERT_EQ(leak, "") << "after run " << runs;
  }
  ASSERT_EQ(kills, kKills) << "runs ended before the kill came: " << runs;
  // Power back for good: the last run finishes its drive and drains the outbox.
  demo::ChildProcess last = spawn(runs);
  ASSERT_EQ(last.Wait(), 0)
      << ReadFile(h.dir().Sub("run" + std::to_string(runs) + ".log")).value_or("");
  CollectCaptured(ReadFile(h.dir().Sub("run" + std::to_string(runs) + ".log")).value_or(""),
                  &captured);
  Json report = ReadAgentReport(data + ".out");
  EXPECT_EQ(report.value("pending", -1), 0) << report.dump();
  EXPECT_EQ(report.value("rejected", -1), 0) << report.dump();
  EXPECT_TRUE(fs::is_empty(data + "/rejected"));

  ASSERT_GT(captured.size(), static_cast<size_t>(kFences)) << "the kills must land amid captures";
  size_t on_server = 0;
  for (const std::string& id : captured) {
    auto obs = h.store().GetObservation(id);
    EXPECT_TRUE(obs.ok()) << "lost: " << id;
    on_server += obs.ok();
  }
  auto states = h.store().CountObservationsByState();
  ASSERT_TRUE(states.ok());
  int64_t observations = 0;
  for (const auto& [state, n] : *states) observations += n;
  // Each observation once (its id is the key), and none the logs do not know of but the few a
  // kill caught between storing a capture and logging it.
  EXPECT_GE(observations, static_cast<int64_t>(on_server));
  std::printf("power loss: kills=%d runs=%d captures=%zu on_server=%zu observations=%lld\n", kills,
              runs + 1, captured.size(), on_server, static_cast<long long>(observations));
}

}  // namespace
}  // namespace tilsyn::testing
