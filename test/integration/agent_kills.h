// Pulling the plug on the vehicle, as a reusable scenario: the real agent is killed with SIGKILL
// at random moments while it captures and uploads (each run a new paced drive past a row of
// fences, the same data folder throughout, so every start first uploads what the killed run
// left), then runs to the end. Used by the power-loss integration test and `make faults`.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "harness.h"

namespace tilsyn::testing {

struct AgentKillResult {
  int kills = 0;
  int runs = 0;
  std::set<std::string> captured;       // ids the agent logged as stored in its outbox
  size_t on_server = 0;                 // of those, how many the server holds
  int64_t observations = 0;             // observations on the server
  int64_t pending = -1, rejected = -1;  // the last run's outbox at its end
  bool rejected_dir_empty = false;
  std::string plaintext_leak;  // "" or where plaintext image bytes were found in the outbox
  std::string error;           // "" or why the scenario could not run
  double recovery_s = 0;       // the last (unkilled) run's wall time: start to drained outbox
};

// Runs `kills` SIGKILLs (at most 4×kills runs) against an agent of a fresh vehicle on `h`'s
// server (which should run without a pipeline: delivery is the question).
AgentKillResult RunAgentKills(ChainHarness& h, int kills, uint32_t seed);

}  // namespace tilsyn::testing
