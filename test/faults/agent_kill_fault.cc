// The vehicle's power pulled 100 times (SIGKILL of the real agent amid capture and upload):
// every capture it stored is on the server once, none lost (agent_kills.h).
#include <gtest/gtest.h>

#include <cstdlib>

#include "agent_kills.h"
#include "fault_table.h"

namespace tilsyn::testing {
namespace {

TEST(Faults, AgentKilledDuringCaptureAndUpload) {
  const char* env = std::getenv("FAULTS_AGENT_KILLS");
  const int kills = env && *env ? std::atoi(env) : 100;
  ChainHarness h({.pipeline = false});
  AgentKillResult r = RunAgentKills(h, kills, 20261207);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.plaintext_leak, "");
  const int64_t lost =
      static_cast<int64_t>(r.captured.size() - r.on_server) + std::max<int64_t>(0, r.pending);
  RecordFault({"agent kill -9 (capture + upload)", r.kills, lost, 0, 0, r.recovery_s,
               std::to_string(r.captured.size()) + " captures in " + std::to_string(r.runs) +
                   " runs, " + std::to_string(r.on_server) + " on the server"});
  EXPECT_EQ(r.kills, kills);
  EXPECT_EQ(lost, 0);
}

}  // namespace
}  // namespace tilsyn::testing
