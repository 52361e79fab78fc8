// The server killed with SIGKILL 20 times at random moments while a vehicle uploads and the
// pipeline assesses and delivers webhooks; an upload that got no answer is sent again with the
// same id (as the agent does). After the last restart every acknowledged observation must be
// done, assessed once, and every webhook delivery beyond the first per key recorded as an
// attempt (at-least-once, with the idempotency key).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "core/ids.h"
#include "demo/webhook_receiver.h"
#include "fault_table.h"
#include "harness.h"
#include "server_process.h"

namespace tilsyn::testing {
namespace {

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

TEST(Faults, ServerKilledDuringUploadsAndPipelineWork) {
  const int kills = EnvInt("FAULTS_SERVER_KILLS", 20);
  TempDir dir;
  ServerProcess server(dir.path(),
                       Json{{"pipeline_poll_ms", 100}, {"action_base_backoff_ms", 200}});
  ASSERT_TRUE(server.Start()) << server.Log();
  auto hook = demo::WebhookReceiver::Start("fault-secret", /*fail_first_delivery=*/false);
  ASSERT_TRUE(hook.ok());
  const TimeMs now = SystemClock::Get()->NowMs();
  const std::string task = CreateFaultTask(server.api(), now - 86'400'000, (*hook)->url());
  ASSERT_FALSE(task.empty());
  const std::string token = CreateFaultVehicle(server.api());
  ASSERT_FALSE(token.empty());

  std::set<std::string> acked;
  std::vector<Json> unanswered;  // sent, no answer: sent again first after the restart
  int sent = 0;
  // One upload; true when the server answered it (201 new, 200 repeat).
  auto upload = [&](const Json& meta) {
    auto r = UploadObservation(server.base(), token, meta, FaultJpeg(sent), 3000);
    if (r.ok() && (*r == 201 || *r == 200)) {
      acked.insert(meta["id"].get<std::string>());
      return true;
    }
    return false;
  };
  std::mt19937 rng(16);
  std::uniform_int_distribution<int> when(100, 1500);
  for (int k = 0; k < kills; ++k) {
    if (!server.running()) ASSERT_TRUE(server.Start()) << server.Log();
    std::atomic<bool> stop{false};
    std::thread vehicle([&] {
      std::vector<Json> retry;
      retry.swap(unanswered);
      while (!stop.load()) {
        Json meta = retry.empty() ? FaultMetadata(NewUuid(), task, now - 600'000 + sent * 100)
                                  : retry.back();
        if (!retry.empty()) retry.pop_back();
        ++sent;
        if (!upload(meta)) unanswered.push_back(meta);
        // A vehicle's pace (a capture every few seconds, a fleet of them): the pipeline keeps
        // up, so the kills land amid its work as well as amid uploads.
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
      }
      for (Json& m : retry) unanswered.push_back(std::move(m));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(when(rng)));
    server.Kill();
    stop = true;
    vehicle.join();
  }
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(server.Start()) << server.Log();
  for (const Json& meta : unanswered) {
    for (int i = 0; i < 20 && !upload(meta); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  const bool drained = WaitDone(server.api(), static_cast<int64_t>(acked.size()), 180);
  const double recovery_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  server.Stop();
  (*hook)->Stop();
  Reckoning r = Reckon(server.data_dir(), acked, (*hook)->SuccessesByKey());
  EXPECT_TRUE(drained) << r.detail;
  RecordFault({"server kill -9 (uploads + pipeline + webhooks)", kills, r.lost, r.dup_assessments,
               r.dup_deliveries_unrecorded, recovery_s,
               std::to_string(acked.size()) + " acked uploads, " + std::to_string(sent) +
                   " sent, " + std::to_string(r.deliveries) + " webhook deliveries"});
  EXPECT_EQ(r.lost, 0) << r.detail;
  EXPECT_EQ(r.dup_assessments, 0);
  EXPECT_EQ(r.dup_deliveries_unrecorded, 0);
  EXPECT_GT(acked.size(), static_cast<size_t>(kills)) << "the kills must land amid uploads";
}

}  // namespace
}  // namespace tilsyn::testing
