#include "agent_kills.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "core/clock.h"
#include "core/file_util.h"
#include "imaging/jpeg.h"

namespace tilsyn::testing {
namespace {
namespace fs = std::filesystem;

constexpr geo::LatLon kStart{55.6700, 12.5400};
constexpr int kFences = 8;

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

}  // namespace

AgentKillResult RunAgentKills(ChainHarness& h, int kills_wanted, uint32_t seed) {
  AgentKillResult out;
  const TimeMs now = SystemClock::Get()->NowMs();
  std::string index = "lat,lon,file,frame\n";
  // A small frame: the runs should spend their time capturing and uploading, not detecting.
  cv::Mat street(240, 320, CV_8UC3);
  cv::randu(street, cv::Scalar::all(0), cv::Scalar::all(255));
  const std::string frame = h.dir().Sub("street.jpg");
  if (!WriteFileAtomic(frame, imaging::EncodeJpeg(street, 90).value()).ok()) {
    out.error = "cannot write the frame";
    return out;
  }
  for (int i = 0; i < kFences; ++i) {
    geo::LatLon at = geo::Offset(kStart, 90, 100 + i * 100.0);
    h.CreateActiveTask(
        demo::TaskJson("fence " + std::to_string(i), "absence",
                       {{"type", "Point"}, {"coordinates", {at.lon, at.lat}}, {"radius_m", 20}},
                       "person", 0.6, now));
    index += std::to_string(at.lat) + "," + std::to_string(at.lon) + "," + frame + ",-1\n";
  }
  const std::string cam = h.dir().Sub("camera");
  if (!MakeDirs(cam).ok() || !WriteFileAtomic(cam + "/index.csv", index).ok()) {
    out.error = "cannot write the camera folder";
    return out;
  }
  VehicleCreds v = h.RegisterVehicle("sweeper-power");
  const std::string data = h.dir().Sub("agent");

  // Drive k starts 2 min of GPS time after drive k-1: each is a new pass of every fence.
  int drive = 0;
  std::string gps;
  auto next_drive = [&] {
    auto fixes = demo::SampleRoute({kStart, geo::Offset(kStart, 90, 100 + kFences * 100.0)}, 40,
                                   now - 12 * 3'600'000 + drive * 120'000, 0.5, 7 + drive);
    gps = h.dir().Sub("drive" + std::to_string(drive++) + ".nmea");
    return demo::WriteNmea(gps, fixes).ok();
  };
  if (!next_drive()) {
    out.error = "cannot write a drive";
    return out;
  }
  auto spawn = [&](int n) -> std::optional<demo::ChildProcess> {
    // Paced (80 s of driving in about a second) and with the cheap cascade anonymizer, so a
    // run spends its time capturing and uploading rather than starting.
    auto c = demo::ChildProcess::Spawn(
        {BinDir() + "/tilsyn-agent", "--server", h.app().base_url(), "--data-dir", data, "--gps",
         gps, "--camera-dir", cam, "--speed", "80", "--anonymizer-detectors", "haar-face",
         "--sync-interval", "30"},
        {{"TILSYN_AGENT_TOKEN", v.token}}, data + ".out",
        h.dir().Sub("run" + std::to_string(n) + ".log"));
    if (!c.ok()) return std::nullopt;
    return std::move(c).value();
  };
  auto log_of = [&](int n) { return h.dir().Sub("run" + std::to_string(n) + ".log"); };

  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> when(0, 1300);  // a drive takes about 1.3 s
  while (out.kills < kills_wanted && out.runs < 4 * kills_wanted) {
    std::optional<demo::ChildProcess> agent = spawn(out.runs);
    if (!agent) {
      out.error = "cannot start the agent";
      return out;
    }
    // The kill lands after start-up (models, keys, first sync), amid capturing and uploading.
    const std::string log = log_of(out.runs);
    for (int i = 0; i < 1000 && !agent->Poll(); ++i) {
      if (ReadFile(log).value_or("").find("\"agent.start\"") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(when(rng)));
    agent->Signal(SIGKILL);  // no-op when the run has ended already
    const int code = agent->Wait();
    if (code == 128 + SIGKILL) {
      ++out.kills;
    } else if (code != 0) {  // the drive ended first (also just before the signal)
      out.error = "a run failed: " + ReadFile(log).value_or("");
      return out;
    }
    CollectCaptured(ReadFile(log).value_or(""), &out.captured);
    ++out.runs;
    if (!next_drive()) {
      out.error = "cannot write a drive";
      return out;
    }
    out.plaintext_leak = PlaintextIn(data + "/outbox");
    if (!out.plaintext_leak.empty()) return out;
  }
  // Power back for good: the last run finishes its drive and drains the outbox.
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<demo::ChildProcess> last = spawn(out.runs);
  if (!last || last->Wait() != 0) {
    out.error = "the last run failed: " + ReadFile(log_of(out.runs)).value_or("");
    return out;
  }
  out.recovery_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CollectCaptured(ReadFile(log_of(out.runs)).value_or(""), &out.captured);
  ++out.runs;
  Json report = ReadAgentReport(data + ".out");
  out.pending = report.value("pending", -1);
  out.rejected = report.value("rejected", -1);
  std::error_code ec;
  out.rejected_dir_empty = fs::is_empty(data + "/rejected", ec);
  for (const std::string& id : out.captured) out.on_server += h.store().GetObservation(id).ok();
  auto states = h.store().CountObservationsByState();
  if (states.ok()) {
    for (const auto& [state, n] : *states) out.observations += n;
  }
  return out;
}

}  // namespace tilsyn::testing
