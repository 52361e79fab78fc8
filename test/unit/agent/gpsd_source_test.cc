// GpsdSource against a fake gpsd on loopback: a small TCP server that speaks gpsd's JSON protocol
// (VERSION on connect; DEVICES, WATCH and then scripted reports after the client's ?WATCH=), so
// the real libgps client parses the reports. Covers TPV -> GpsFix mapping, no-fix reports,
// reconnect after a dropped connection, giving up on an unreachable gpsd, and the stop flag.
#include "agent/gps/gpsd_source.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tilsyn::agent {
namespace {

// Serves one scripted session per accepted connection. Every session but the last is closed
// after its reports (gpsd going away); the last stays open until the server is destroyed.
class FakeGpsd {
 public:
  explicit FakeGpsd(std::vector<std::vector<std::string>> sessions)
      : sessions_(std::move(sessions)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listen_fd_, 4), 0);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeGpsd() {
    done_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  std::string port() const { return std::to_string(port_); }
  int accepted() const { return accepted_; }
  std::vector<std::string> commands() {
    std::lock_guard<std::mutex> lock(mu_);
    return commands_;
  }

 private:
  // Waits up to the poll slice for `fd` to be readable; false when the server is shutting down.
  bool WaitReadable(int fd) {
    while (!done_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) return true;
    }
    return false;
  }
  static void SendLine(int fd, const std::string& line) {
    const std::string s = line + "\r\n";
    ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
  }
  void Serve() {
    for (size_t i = 0; i < sessions_.size() && !done_; ++i) {
      if (!WaitReadable(listen_fd_)) return;
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++accepted_;
      SendLine(fd, R"({"class":"VERSION","release":"3.22","rev":"3.22","proto_major":3,"proto_minor":14})");
      std::string got;
      char buf[512];
      while (got.find("?WATCH=") == std::string::npos || got.find(';') == std::string::npos) {
        if (!WaitReadable(fd)) break;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        commands_.push_back(got);
      }
      SendLine(fd, R"({"class":"DEVICES","devices":[{"class":"DEVICE","path":"/dev/ttyUSB0","driver":"NMEA0183","activated":"2024-05-01T10:00:00.000Z","native":0,"bps":9600,"parity":"N","stopbits":1,"cycle":1.00}]})");
      SendLine(fd, R"({"class":"WATCH","enable":true,"json":true,"nmea":false,"raw":0,"scaled":false,"timing":false,"split24":false,"pps":false})");
      for (const auto& line : sessions_[i]) SendLine(fd, line);
      if (i + 1 < sessions_.size()) {
        ::close(fd);  // gpsd goes away
        continue;
      }
      while (!done_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      ::close(fd);
    }
  }

  std::vector<std::vector<std::string>> sessions_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> done_{false};
  std::atomic<int> accepted_{0};
  std::mutex mu_;
  std::vector<std::string> commands_;
  std::thread thread_;
};

std::string Tpv(const std::string& time, double lat, double lon, const std::string& extra = "") {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                R"({"class":"TPV","device":"/dev/ttyUSB0","mode":3,"time":"%s","lat":%.7f,"lon":%.7f%s})",
                time.c_str(), lat, lon, extra.c_str());
  return buf;
}

GpsdOptions FastOptions(const std::string& port) {
  GpsdOptions o;
  o.port = port;
  o.backoff_base_ms = 5;
  o.backoff_cap_ms = 20;
  o.poll_ms = 20;
  return o;
}

TEST(GpsdSource, LibgpsParsesTpvReportsFromAFakeGpsdIntoFixes) {
  FakeGpsd gpsd({{
      R"({"class":"SKY","device":"/dev/ttyUSB0","hdop":0.9,"satellites":[]})",
      R"({"class":"TPV","device":"/dev/ttyUSB0","mode":1,"time":"2024-05-01T10:00:00.000Z"})",
      Tpv("2024-05-01T10:00:01.500Z", 55.6761, 12.5683,
          R"(,"epx":3.1,"epy":4.2,"eph":5.5,"track":359.5,"speed":10.0)"),
      Tpv("2024-05-01T10:00:02.000Z", 55.6762, 12.5684, R"(,"epx":3.0,"epy":4.0)"),
  }});
  GpsdSource src(FastOptions(gpsd.port()));
  auto a = src.Next();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(a->has_value());
  const GpsFix& f = **a;
  EXPECT_EQ(f.time, 1714557601500);  // 2024-05-01T10:00:01.500Z
  EXPECT_NEAR(f.pos.lat, 55.6761, 1e-7);
  EXPECT_NEAR(f.pos.lon, 12.5683, 1e-7);
  ASSERT_TRUE(f.speed_kmh.has_value());
  EXPECT_NEAR(*f.speed_kmh, 36.0, 1e-9);  // 10 m/s
  ASSERT_TRUE(f.heading_deg.has_value());
  EXPECT_NEAR(*f.heading_deg, 359.5, 1e-9);
  ASSERT_TRUE(f.accuracy_m.has_value());
  EXPECT_NEAR(*f.accuracy_m, 5.5, 1e-9);  // eph preferred

  auto b = src.Next();
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->time, 1714557602000);
  ASSERT_TRUE((*b)->accuracy_m.has_value());
  EXPECT_NEAR(*(*b)->accuracy_m, 5.0, 1e-9);  // no eph: hypot(epx, epy)
  EXPECT_FALSE((*b)->speed_kmh.has_value());
  EXPECT_FALSE((*b)->heading_deg.has_value());

  EXPECT_EQ(src.bad_records(), 1);  // the mode-1 (no fix) TPV; SKY is not a position report
  EXPECT_EQ(src.connects(), 1);
  const auto cmds = gpsd.commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_NE(cmds[0].find(R"("enable":true)"), std::string::npos) << cmds[0];
  EXPECT_NE(cmds[0].find(R"("json":true)"), std::string::npos) << cmds[0];
}

TEST(GpsdSource, ReconnectsWhenGpsdDropsTheConnection) {
  FakeGpsd gpsd({
      {Tpv("2024-05-01T10:00:01Z", 55.60, 12.50), Tpv("2024-05-01T10:00:02Z", 55.61, 12.51)},
      {Tpv("2024-05-01T10:00:05Z", 55.62, 12.52)},
  });
  GpsdSource src(FastOptions(gpsd.port()));
  std::vector<TimeMs> times;
  for (int i = 0; i < 3; ++i) {
    auto r = src.Next();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(r->has_value());
    times.push_back((*r)->time);
  }
  EXPECT_EQ(times, (std::vector<TimeMs>{1714557601000, 1714557602000, 1714557605000}));
  EXPECT_EQ(src.drops(), 1);
  EXPECT_EQ(src.connects(), 2);
  EXPECT_EQ(gpsd.accepted(), 2);
}

TEST(GpsdSource, GivesUpAfterMaxConnectFailuresWhenNothingListens) {
  // A port that was just free: connections are refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  GpsdOptions o = FastOptions(std::to_string(ntohs(addr.sin_port)));
  o.max_connect_failures = 3;
  GpsdSource src(o);
  auto r = src.Next();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_EQ(src.connects(), 0);
}

TEST(GpsdSource, StopFlagEndsTheStreamWhileGpsdIsSilent) {
  FakeGpsd gpsd(std::vector<std::vector<std::string>>(1));  // connects, never reports a position
  GpsdSource src(FastOptions(gpsd.port()));
  std::atomic<bool> stop{false};
  src.SetStop(&stop);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto r = src.Next();
  stopper.join();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

TEST(GpsdAddress, ParsesHostPortAndRejectsBadOnesNamingTheField) {
  auto a = ParseGpsdAddress("127.0.0.1:2948");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, "2948");
  auto b = ParseGpsdAddress("localhost");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, "2947");
  auto c = ParseGpsdAddress("[::1]:2947");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  for (const char* bad : {"", ":2947", "host:0", "host:99999", "host:x1", "::1:2947", "[::1"}) {
    auto r = ParseGpsdAddress(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().field(), "gpsd") << bad;
    }
  }
}

}  // namespace
}  // namespace tilsyn::agent
