// Pulling the plug on the vehicle: the real agent is killed with SIGKILL at 100 random moments
// while it captures and uploads (agent_kills.h), then runs to the end. Every capture it ever
// stored is on the server exactly once or still in its outbox — none lost — and the outbox
// never holds a JPEG or EXIF byte sequence in plain text, not even in a file cut short by the
// kill.
#include <gtest/gtest.h>

#include <cstdio>

#include "agent_kills.h"

namespace tilsyn::testing {
namespace {

constexpr int kKills = 100;

TEST(PowerLoss, HundredKillsDuringCaptureAndUploadLoseNothing) {
  ChainHarness h({.pipeline = false});  // delivery is the question, not assessment
  AgentKillResult r = RunAgentKills(h, kKills, 20261207);
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.plaintext_leak, "") << "after run " << r.runs;
  ASSERT_EQ(r.kills, kKills) << "runs ended before the kill came: " << r.runs;
  EXPECT_EQ(r.pending, 0);
  EXPECT_EQ(r.rejected, 0);
  EXPECT_TRUE(r.rejected_dir_empty);
  ASSERT_GT(r.captured.size(), 8u) << "the kills must land amid captures";
  EXPECT_EQ(r.on_server, r.captured.size()) << "lost captures";
  // Each observation once (its id is the key), and none the logs do not know of but the few a
  // kill caught between storing a capture and logging it.
  EXPECT_GE(r.observations, static_cast<int64_t>(r.on_server));
  std::printf("power loss: kills=%d runs=%d captures=%zu on_server=%zu observations=%lld\n",
              r.kills, r.runs, r.captured.size(), r.on_server,
              static_cast<long long>(r.observations));
}

}  // namespace
}  // namespace tilsyn::testing
