// The planner keeps agents right, with a real server, real agents and a real coverage run: a job
// is offered to the vehicle that passes its site most; when a later coverage run finds another
// vehicle passing more, the job gets a new version, the deselected vehicle's agent receives it
// as inactive at its next sync and captures no more for it, and the newly selected one does.
#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/file_util.h"
#include "coverage/coverage_cli.h"
#include "coverage/coverage_run.h"
#include "coverage/history/dir_position_history.h"
#include "fakes/test_paths.h"
#include "harness.h"

namespace tilsyn::testing {
namespace {

constexpr geo::LatLon kStart{55.6650, 12.5300};

using Trace = DriveFiles;

// A drive east through the site (100 m from the start) at `start`, with its camera folder.
Trace WriteDrive(const TempDir& dir, const std::string& name, geo::LatLon site, TimeMs start) {
  return WriteDrivePast(dir, name, kStart, site, start);
}

// `n` passes of the site by `vehicle` in the GPS history, on the UTC day before `now`.
void History(const std::string& data_dir, const std::string& vehicle, int n, TimeMs now, int hour) {
  coverage::DirPositionHistory history(coverage::HistoryDir(data_dir));
  std::vector<coverage::HistoryFix> fixes;
  const TimeMs day = (now / coverage::kDayMs - 1) * coverage::kDayMs;
  for (int k = 0; k < n; ++k) {
    for (int i = 0; i < 40; ++i) {
      fixes.push_back(
          {day + (hour + k) * 3'600'000LL + i * 1000, geo::Offset(kStart, 90, i * 5.0)});
    }
  }
  ASSERT_TRUE(history.Append(vehicle, fixes).ok());
}

// Runs the agent over the drive; returns its summary. `offline`: the server cannot be reached
// (a closed loopback port) and the agent does not wait for its outbox at the end.
Json Drive(ChainHarness& h, const VehicleCreds& v, const std::string& data, const Trace& t,
           bool offline = false) {
  demo::ChildProcess agent =
      offline ? h.StartAgent(v, data, t.gps, t.camera,
                             "http://127.0.0.1:" + std::to_string(FreeLoopbackPort()), "",
                             {"--drain-timeout", "0"})
              : h.StartAgent(v, data, t.gps, t.camera);
  EXPECT_EQ(agent.Wait(), 0) << ReadFile(data + ".log").value_or("");
  return ReadAgentReport(data + ".out");
}

int Captures(ChainHarness& h, const VehicleCreds& v, const std::string& data, const Trace& t) {
  return Drive(h, v, data, t).value("captures", -1);
}

int64_t Observations(ChainHarness& h) {
  auto states = h.store().CountObservationsByState();
  EXPECT_TRUE(states.ok());
  int64_t observations = 0;
  if (states.ok()) {
    for (const auto& [state, n] : *states) observations += n;
  }
  return observations;
}

// A site, two buses and the coverage run's options on a real server that offers a job to the
// vehicle passing its site most (top-1).
class CoverageChain : public ::testing::Test {
 protected:
  CoverageChain()
      : h({.coverage_top_k = 1}),
        now(SystemClock::Get()->NowMs()),
        site(geo::Offset(kStart, 90, 100)),
        server_data(h.dir().Sub("server")) {
    h.CreateActiveTask(
        demo::TaskJson("site", "absence",
                       {{"type", "Point"}, {"coordinates", {site.lon, site.lat}}, {"radius_m", 25}},
                       "person", 0.6, now));
    a = h.RegisterVehicle("bus a");
    b = h.RegisterVehicle("bus b");
    o.data_dir = server_data;
    o.threads = 1;
  }

  ChainHarness h;
  const TimeMs now;
  const geo::LatLon site;
  const std::string server_data;
  VehicleCreds a, b;
  coverage::CoverageRunOptions o;
};

TEST_F(CoverageChain, ADeselectedVehicleStopsCapturingAfterItsNextSync) {
  History(server_data, a.id, 3, now, 6);
  History(server_data, b.id, 1, now, 12);
  ASSERT_TRUE(coverage::RunCoverageOnce(h.store(), o).ok());
  EXPECT_EQ(
      Captures(h, a, h.dir().Sub("agent-a"), WriteDrive(h.dir(), "a1", site, now - 3'600'000)), 1)
      << "the top passer captures";
  EXPECT_EQ(
      Captures(h, b, h.dir().Sub("agent-b"), WriteDrive(h.dir(), "b1", site, now - 3'500'000)), 0)
      << "the job is not offered to the other";

  History(server_data, b.id, 5, now, 14);  // b now passes most
  auto second = coverage::RunCoverageOnce(h.store(), o);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->reoffered.size(), 1u);
  EXPECT_EQ(
      Captures(h, a, h.dir().Sub("agent-a"), WriteDrive(h.dir(), "a2", site, now - 1'800'000)), 0)
      << "deselected: its next sync brought the job back inactive";
  EXPECT_EQ(
      Captures(h, b, h.dir().Sub("agent-b"), WriteDrive(h.dir(), "b2", site, now - 1'700'000)), 1)
      << "selected now";
  ASSERT_TRUE(h.WaitDrained(60));
  EXPECT_EQ(Observations(h), 2);
}

// Nothing lost to a coverage run a vehicle slept through: offline, it keeps capturing under the
// job version it holds; when it is back, those captures are accepted although it is deselected
// now, and its sync then stops it.
TEST_F(CoverageChain, CapturesMadeOfflineThroughADeselectionAreKept) {
  History(server_data, a.id, 3, now, 6);
  History(server_data, b.id, 1, now, 12);
  ASSERT_TRUE(coverage::RunCoverageOnce(h.store(), o).ok());
  const std::string data_a = h.dir().Sub("agent-a");
  EXPECT_EQ(Captures(h, a, data_a, WriteDrive(h.dir(), "a1", site, now - 3'600'000)), 1);

  History(server_data, b.id, 5, now, 14);  // b passes most now; a is deselected, and offline
  auto second = coverage::RunCoverageOnce(h.store(), o);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->reoffered.size(), 1u);
  // Its drive comes after the new report (a minute from now), so only its job version shows
  // that it was offered the job when it captured.
  const TimeMs later = SystemClock::Get()->NowMs() + 60'000;
  Json away = Drive(h, a, data_a, WriteDrive(h.dir(), "a2", site, later), true);
  EXPECT_EQ(away.value("captures", -1), 1) << "it still holds the job as offered";
  EXPECT_EQ(away.value("pending", -1), 1) << "kept in the outbox while offline";
  EXPECT_GE(away.value("heartbeats_failed", -1), 1) << "its last word did not arrive either";

  Json back = Drive(h, a, data_a, WriteDrive(h.dir(), "a3", site, later + 60'000));
  EXPECT_EQ(back.value("uploaded", -1), 1) << "the offline capture is delivered";
  EXPECT_EQ(back.value("rejected", -1), 0);
  EXPECT_EQ(back.value("captures", -1), 0) << "its sync brought the deselection";
  ASSERT_TRUE(h.WaitDrained(60));
  EXPECT_EQ(Observations(h), 2);
}

}  // namespace
}  // namespace tilsyn::testing
