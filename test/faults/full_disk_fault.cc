// A full disk, on the server and on the vehicle (small tmpfs mounts; root only, skipped
// otherwise). Server: its data folder fills up (below the free-space reserve) while the real
// agent uploads; uploads are refused (507), the agent keeps them, and once space is freed they
// arrive and are assessed. Vehicle: the agent's data folder is full while it passes a site, so
// the capture cannot be stored (counted, no partial file left); once space is back the next pass
// is captured and delivered. Nothing acknowledged or stored is lost.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/file_util.h"
#include "demo/frames.h"
#include "demo/route.h"
#include "fault_table.h"
#include "harness.h"
#include "server_process.h"

namespace tilsyn::testing {
namespace {
namespace fs = std::filesystem;

// A tmpfs of `mib` MiB at `dir`, unmounted when destroyed; ok() false when it cannot be made.
class Tmpfs {
 public:
  Tmpfs(const std::string& dir, int mib) : dir_(dir) {
    (void)MakeDirs(dir);
    const std::string opts = "size=" + std::to_string(mib) + "m";
    mounted_ = geteuid() == 0 && ::mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool ok() const { return mounted_; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

// Writes `path` until the file system has at most `leave` bytes free.
void Fill(const std::string& path, uintmax_t leave) {
  std::ofstream out(path, std::ios::binary);
  const std::string block(1 << 20, 'x');
  while (fs::space(fs::path(path).parent_path()).available > leave + block.size()) {
    out.write(block.data(), static_cast<std::streamsize>(block.size()));
    out.flush();
    if (!out) break;
  }
  const uintmax_t rest = fs::space(fs::path(path).parent_path()).available;
  if (rest > leave) out.write(block.data(), static_cast<std::streamsize>(rest - leave));
}

using Drive = DriveFiles;

// A drive east past the site (100 m from the start) at GPS time `start`.
Drive WriteDrive(const TempDir& dir, const std::string& name, TimeMs start) {
  return WriteDrivePast(dir, name, geo::Offset(kFaultSite, 270, 100), kFaultSite, start);
}

demo::ChildProcess Agent(const TempDir& dir, const std::string& base, const std::string& token,
                         const std::string& data, const Drive& d, const std::string& name) {
  auto c = demo::ChildProcess::Spawn(
      {BinDir() + "/tilsyn-agent", "--server", base, "--data-dir", data, "--gps", d.gps,
       "--camera-dir", d.camera, "--speed", "0", "--drain-timeout", "120", "--anonymizer-detectors",
       "haar-face"},
      {{"TILSYN_AGENT_TOKEN", token}}, dir.Sub(name + ".out"), dir.Sub(name + ".log"));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

TEST(Faults, FullDiskOnServerAndVehicle) {
  TempDir dir;
  Tmpfs server_disk(dir.Sub("server-disk"), 160);
  if (!server_disk.ok()) GTEST_SKIP() << "needs root to mount a tmpfs";
  Tmpfs agent_disk(dir.Sub("agent-disk"), 16);
  ASSERT_TRUE(agent_disk.ok());
  // The server's data folder lives on the small disk; the reserve (min_free_bytes) is the default.
  ServerProcess server(dir.Sub("server-disk"), Json{{"pipeline_poll_ms", 100}});
  ASSERT_TRUE(server.Start()) << server.Log();
  const TimeMs now = SystemClock::Get()->NowMs();
  const std::string task = CreateFaultTask(server.api(), now - 86'400'000, "");
  ASSERT_FALSE(task.empty());
  const std::string token = CreateFaultVehicle(server.api());

  // Server disk full: the agent passes the site; its upload is refused and kept.
  const std::string filler = dir.Sub("server-disk/filler");
  Fill(filler, 2 << 20);
  const std::string data = dir.Sub("agent-disk/agent");
  demo::ChildProcess a1 =
      Agent(dir, server.base(), token, data, WriteDrive(dir, "d1", now - 3'600'000), "a1");
  std::this_thread::sleep_for(std::chrono::seconds(4));
  const bool refused = ReadFile(dir.Sub("a1.log")).value_or("").find("507") != std::string::npos;
  const auto t0 = std::chrono::steady_clock::now();
  fs::remove(filler);
  EXPECT_EQ(a1.Wait(), 0) << ReadFile(dir.Sub("a1.log")).value_or("");
  Json r1 = ReadAgentReport(dir.Sub("a1.out"));
  const bool drained = WaitDone(server.api(), 1, 60);
  const double server_recovery =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const int64_t server_lost = r1.value("captures", 0) - r1.value("uploaded", 0) -
                              r1.value("duplicates", 0) + (drained ? 0 : 1);
  RecordFault({"full disk on the server (below the reserve)", 1, server_lost, 0, 0, server_recovery,
               std::string(refused ? "507 while full; " : "no 507 seen; ") +
                   std::to_string(r1.value("captures", 0)) + " captured, " +
                   std::to_string(r1.value("uploaded", 0)) + " delivered after space was freed"});
  EXPECT_TRUE(refused) << "the upload should have been refused while the disk was full";
  EXPECT_EQ(server_lost, 0) << r1.dump();

  // Vehicle disk full: the pass cannot be stored; after space is back the next pass is.
  const std::string agent_filler = dir.Sub("agent-disk/filler");
  Fill(agent_filler, 0);
  demo::ChildProcess a2 =
      Agent(dir, server.base(), token, data, WriteDrive(dir, "d2", now - 1'800'000), "a2");
  const int code2 = a2.Wait();
  Json r2 = ReadAgentReport(dir.Sub("a2.out"));
  fs::remove(agent_filler);
  const auto t1 = std::chrono::steady_clock::now();
  demo::ChildProcess a3 =
      Agent(dir, server.base(), token, data, WriteDrive(dir, "d3", now - 900'000), "a3");
  EXPECT_EQ(a3.Wait(), 0) << ReadFile(dir.Sub("a3.log")).value_or("");
  Json r3 = ReadAgentReport(dir.Sub("a3.out"));
  const bool drained3 =
      WaitDone(server.api(), 1 + r2.value("captures", 0) + r3.value("captures", 0), 60);
  const double agent_recovery =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  const int64_t agent_lost = r2.value("captures", 0) + r3.value("captures", 0) -
                             r3.value("uploaded", 0) - r3.value("duplicates", 0) +
                             r3.value("pending", 0);
  std::error_code ec;
  int leftovers = 0;
  for (const auto& e : fs::directory_iterator(data + "/outbox", ec)) {
    leftovers += e.path().filename().string().find(".tmp-") != std::string::npos;
  }
  RecordFault({"full disk on the vehicle", 2, agent_lost, 0, 0, agent_recovery,
               "exit " + std::to_string(code2) + " while full, " +
                   std::to_string(r2.value("capture_errors", 0)) + " capture(s) not storable, " +
                   std::to_string(r3.value("captures", 0)) + " captured after"});
  EXPECT_EQ(r3.value("captures", 0), 1) << r3.dump();
  EXPECT_TRUE(drained3);
  EXPECT_EQ(agent_lost, 0) << r2.dump() << r3.dump();
  EXPECT_EQ(leftovers, 0) << "partial files in the outbox";
  server.Stop();
}

}  // namespace
}  // namespace tilsyn::testing
