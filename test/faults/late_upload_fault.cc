// Uploads arriving long after capture (a vehicle offline for months, a replay): captured 400,
// 100 and 31 days ago — beyond the task's 30 evidence days — they are assessed, and the
// retention sweeper does not take an image before its assessment.
#include <gtest/gtest.h>

#include <chrono>

#include "core/ids.h"
#include "fault_table.h"
#include "harness.h"
#include "server_process.h"

namespace tilsyn::testing {
namespace {

TEST(Faults, UploadsArrivingLongAfterCapture) {
  TempDir dir;
  ServerProcess server(dir.path(), Json{{"pipeline_poll_ms", 100}});
  ASSERT_TRUE(server.Start()) << server.Log();
  const TimeMs now = SystemClock::Get()->NowMs();
  const std::string task = CreateFaultTask(server.api(), now - 500LL * 86'400'000, "");
  ASSERT_FALSE(task.empty());
  const std::string token = CreateFaultVehicle(server.api());
  std::set<std::string> acked;
  int trials = 0;
  for (int days : {400, 100, 31}) {
    ++trials;
    const std::string id = NewUuid();
    auto r = UploadObservation(server.base(), token,
                               FaultMetadata(id, task, now - days * 86'400'000LL), FaultJpeg(days));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(*r, 201) << days << " days late";
    acked.insert(id);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const bool drained = WaitDone(server.api(), static_cast<int64_t>(acked.size()), 120);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  server.Stop();
  Reckoning r = Reckon(server.data_dir(), acked, {});
  EXPECT_TRUE(drained) << r.detail;
  RecordFault({"uploads 31-400 days after capture", trials, r.lost, r.dup_assessments, 0, took,
               "recovery = upload to assessed"});
  EXPECT_EQ(r.lost, 0) << r.detail;
}

}  // namespace
}  // namespace tilsyn::testing
