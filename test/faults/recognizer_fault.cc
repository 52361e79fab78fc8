// A remote recognizer (KServe v2) that is dead, answers garbage, or is too slow, with and without
// a local fallback service, and then recovers (the real `tilsyn recognizer serve` on its port):
// no observation may end `failed` or stay unassessed — with a fallback they are assessed during
// the fault, without one within a minute of the service's return.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/file_util.h"
#include "core/ids.h"
#include "fault_table.h"
#include "harness.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "server_process.h"

namespace tilsyn::testing {
namespace {

enum class Outage { kDead, kGarbage, kSlow };

struct Case {
  Outage outage;
  bool fallback;
  const char* name;
};

// What listens on the service's port during the fault (nothing for a dead service).
std::unique_ptr<net::HttpServer> FaultyService(Outage outage, uint16_t port) {
  if (outage == Outage::kDead) return nullptr;
  net::HttpServerOptions o;
  o.port = port;
  auto s = net::StartHttpServer(o, [outage](const net::HttpRequest&) {
    net::HttpResponse r;
    if (outage == Outage::kSlow) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // beyond timeout_ms
      r.status = 503;
      r.body = "{}";
      return r;
    }
    r.status = 200;  // a proxy's error page where JSON was expected
    r.content_type = "text/html";
    r.body = "<html><body>502 Bad Gateway</body></html>";
    return r;
  });
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& i) {
  static const char* kNames[] = {"Dead", "Garbage", "Slow"};
  return std::string(kNames[static_cast<int>(i.param.outage)]) +
         (i.param.fallback ? "WithFallback" : "NoFallback");
}

class RecognizerFault : public ::testing::TestWithParam<Case> {};

TEST_P(RecognizerFault, NothingIsLostAndRecoveryIsQuick) {
  const Case c = GetParam();
  TempDir dir;
  const uint16_t port = FreeLoopbackPort();
  Json recognizers = Json::array({{{"name", "remote"},
                                   {"type", "kserve-v2"},
                                   {"timeout_ms", 1000},
                                   {"settings",
                                    {{"url", "http://127.0.0.1:" + std::to_string(port)},
                                     {"model", "hog"},
                                     {"labels", {"person"}}}}}});
  if (c.fallback) recognizers.push_back({{"name", "local"}, {"type", "hog-person"}});
  ServerProcess server(dir.path(),
                       Json{{"pipeline_poll_ms", 100},
                            {"recognizers", recognizers},
                            {"routing", {{"breaker_failures", 2}, {"breaker_cooldown_ms", 2000}}}});
  std::unique_ptr<net::HttpServer> faulty = FaultyService(c.outage, port);
  ASSERT_TRUE(server.Start()) << server.Log();
  const TimeMs now = SystemClock::Get()->NowMs();
  const std::string task = CreateFaultTask(server.api(), now - 86'400'000, "");
  ASSERT_FALSE(task.empty());
  const std::string token = CreateFaultVehicle(server.api());
  std::set<std::string> acked;
  constexpr int kUploads = 4;
  for (int i = 0; i < kUploads; ++i) {
    const std::string id = NewUuid();
    auto r = UploadObservation(server.base(), token, FaultMetadata(id, task, now - 60'000 + i),
                               FaultJpeg(i));
    ASSERT_TRUE(r.ok() && *r == 201);
    acked.insert(id);
  }
  // The fault lasts 10 s: long enough for several attempts and an open breaker.
  const bool during = WaitDone(server.api(), kUploads, 10);
  if (c.fallback) EXPECT_TRUE(during) << "the fallback assesses during the fault";
  if (faulty) faulty->Stop();
  faulty.reset();

  const std::string rc = dir.Sub("recognizer.json");
  ASSERT_TRUE(
      WriteFileAtomic(rc, Json{{"recognizers", {{{"name", "hog"}, {"type", "hog-person"}}}}}.dump())
          .ok());
  const auto t0 = std::chrono::steady_clock::now();
  auto service = demo::ChildProcess::Spawn(
      {BinDir() + "/tilsyn", "recognizer", "serve", "--config", rc, "--port", std::to_string(port)},
      {}, dir.Sub("recognizer.out"), dir.Sub("recognizer.log"));
  ASSERT_TRUE(service.ok());
  bool ready = false;
  for (int i = 0; i < 100 && !ready; ++i) {
    auto h = net::Fetch(
        {"GET", "http://127.0.0.1:" + std::to_string(port) + "/v2/health/ready", {}, "", 500});
    ready = h.ok() && h->status == 200;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(ready) << "the recognizer did not come back: "
                     << ReadFile(dir.Sub("recognizer.log")).value_or("");
  const bool drained = during || WaitDone(server.api(), kUploads, 90);
  const double recovery_s =
      during ? 0 : std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  server.Stop();
  service->Signal(SIGTERM);
  service->Wait();
  Reckoning r = Reckon(server.data_dir(), acked, {});
  EXPECT_TRUE(drained) << r.detail << server.Log();
  RecordFault({c.name, kUploads, r.lost, r.dup_assessments, 0, recovery_s,
               during ? "assessed during the fault" : "recovery = service back to all assessed"});
  EXPECT_EQ(r.lost, 0) << r.detail;
  EXPECT_EQ(r.dup_assessments, 0);
  if (!c.fallback) EXPECT_LT(recovery_s, 60) << "within a minute of the service's return";
}

INSTANTIATE_TEST_SUITE_P(
    Faults, RecognizerFault,
    ::testing::Values(Case{Outage::kDead, false, "remote recognizer dead, no fallback"},
                      Case{Outage::kDead, true, "remote recognizer dead, local fallback"},
                      Case{Outage::kGarbage, false, "remote recognizer garbage, no fallback"},
                      Case{Outage::kGarbage, true, "remote recognizer garbage, local fallback"},
                      Case{Outage::kSlow, false, "remote recognizer slow, no fallback"},
                      Case{Outage::kSlow, true, "remote recognizer slow, local fallback"}),
    CaseName);

}  // namespace
}  // namespace tilsyn::testing
