// ServiceNotifier speaks systemd's notify protocol: a datagram socket stands in for systemd.
#include "agent/service/service_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "fakes/test_paths.h"

namespace tilsyn::agent {
namespace {

class FakeSystemd {
 public:
  explicit FakeSystemd(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    path.copy(a.sun_path, sizeof a.sun_path - 1);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    timeval tv{0, 100'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  }
  ~FakeSystemd() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  // Messages received within `ms`, joined by '|'.
  std::string Drain(int ms) {
    std::string all;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      char buf[512];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) all += std::string(buf, n) + "|";
    }
    return all;
  }

 private:
  std::string path_;
  int fd_;
};

TEST(ServiceNotifier, OutsideSystemdEverythingIsANoOp) {
  ::unsetenv("NOTIFY_SOCKET");
  ServiceNotifier n;
  EXPECT_FALSE(n.watchdog_enabled());
  n.Ready();
  n.Status("waiting for a GPS fix");
}

TEST(ServiceNotifier, ReadyStatusAndAWatchdogThatStopsWhenTheLoopIsStuck) {
  testing::TempDir dir;
  FakeSystemd systemd(dir.Sub("notify.sock"));
  ::setenv("WATCHDOG_USEC", "200000", 1);  // 200 ms: pings every 100 ms
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  ServiceNotifier n;
  ASSERT_TRUE(n.watchdog_enabled());
  n.Status("waiting for a GPS fix");
  n.Ready();
  const std::string first = systemd.Drain(300);
  EXPECT_NE(first.find("STATUS=waiting for a GPS fix|"), std::string::npos) << first;
  EXPECT_NE(first.find("READY=1|"), std::string::npos) << first;

  // Waiting for a fix is expected: the pings go on however long it lasts.
  n.Waiting(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_NE(systemd.Drain(2000).find("WATCHDOG=1"), std::string::npos);

  // A loop stuck elsewhere (no progress, not waiting) stops the pings: systemd restarts it.
  n.Waiting(false);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  systemd.Drain(100);
  EXPECT_EQ(systemd.Drain(600).find("WATCHDOG=1"), std::string::npos);

  // Progress brings them back (generous: a loaded machine may wake the pinger late).
  std::atomic<bool> done{false};
  std::thread loop([&] {
    while (!done) {
      n.Progress();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const std::string back = systemd.Drain(2000);
  done = true;
  loop.join();
  EXPECT_NE(back.find("WATCHDOG=1"), std::string::npos);
}

}  // namespace
}  // namespace tilsyn::agent
