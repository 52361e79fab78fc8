// The whole chain with a real server and a real agent process: a drive through two geofences
// with a stretch outside between them and a third site never passed.
#include <gtest/gtest.h>

#include <set>

#include "core/clock.h"
#include "core/file_util.h"
#include "harness.h"

namespace tilsyn::testing {
namespace {

using demo::Scene;

constexpr geo::LatLon kStart{55.6800, 12.5600};

struct Drive {
  std::string gps, camera;
  geo::LatLon site_a, site_b, site_c;
};

// East along one street: 0–600 m. Site A at 150 m, site B at 450 m (both r = 25 m), the stretch
// 175–425 m between them is outside every fence. Site C lies 300 m north of the street.
Drive WriteDrive(const TempDir& dir, TimeMs start) {
  Drive d;
  d.site_a = geo::Offset(kStart, 90, 150);
  d.site_b = geo::Offset(kStart, 90, 450);
  d.site_c = geo::Offset(geo::Offset(kStart, 90, 300), 0, 300);
  auto fixes = demo::SampleRoute({kStart, geo::Offset(kStart, 90, 600)}, 20, start, 1.0, 42);
  d.gps = dir.Sub("drive.nmea");
  EXPECT_TRUE(demo::WriteNmea(d.gps, fixes).ok());
  d.camera = dir.Sub("camera");
  EXPECT_TRUE(MakeDirs(d.camera).ok());
  auto a = demo::FrameFor(Scene::kCrowd, 60, dir.Sub("gen"));
  auto b = demo::FrameFor(Scene::kNoPerson, 1, dir.Sub("gen"));
  EXPECT_TRUE(a.ok() && b.ok());
  std::string index = "lat,lon,file,frame\n";
  index += std::to_string(d.site_a.lat) + "," + std::to_string(d.site_a.lon) + "," + a->file + "," +
           std::to_string(a->frame) + "\n";
  index += std::to_string(d.site_b.lat) + "," + std::to_string(d.site_b.lon) + "," + b->file + "," +
           std::to_string(b->frame) + "\n";
  EXPECT_TRUE(WriteFileAtomic(d.camera + "/index.csv", index).ok());
  return d;
}

Json AbsenceTask(const std::string& title, geo::LatLon at, const std::string& hook, TimeMs now) {
  Json t = demo::TaskJson(title, "absence",
                          {{"type", "Point"}, {"coordinates", {at.lon, at.lat}}, {"radius_m", 25}},
                          "person", 0.6, now);
  t["actions"] = {{{"type", "webhook"},
                   {"on", {"finding", "inconclusive"}},
                   {"url", hook},
                   {"secret", "test-secret"}},
                  {{"type", "log"}, {"on", {"ok", "finding", "inconclusive"}}}};
  return t;
}

// The drive through A, B and C, with every check of the chain.
void DriveAndCheck(ChainHarness& h) {
  TimeMs now = SystemClock::Get()->NowMs();
  Drive d = WriteDrive(h.dir(), now - 10 * 60'000);
  std::string a = h.CreateActiveTask(AbsenceTask("site A", d.site_a, h.hook().url(), now));
  std::string b = h.CreateActiveTask(AbsenceTask("site B", d.site_b, h.hook().url(), now));
  std::string c = h.CreateActiveTask(AbsenceTask("site C", d.site_c, h.hook().url(), now));
  VehicleCreds v = h.RegisterVehicle("sweeper-7");

  demo::ChildProcess agent = h.StartAgent(v, h.dir().Sub("agent"), d.gps, d.camera);
  ASSERT_EQ(agent.Wait(), 0) << *ReadFile(h.dir().Sub("agent.log"));
  Json report = ReadAgentReport(h.dir().Sub("agent.out"));
  EXPECT_EQ(report.value("captures", -1), 2) << report.dump();
  EXPECT_EQ(report.value("captures_outside_geofence", -1), 0);
  EXPECT_EQ(report.value("pending", -1), 0);
  ASSERT_TRUE(h.WaitDrained(60));

  // One observation per pass through A and B; none for C.
  std::map<std::string, int> per_task;
  auto assessments = h.store().ListAssessments({});
  ASSERT_TRUE(assessments.ok());
  for (const auto& as : *assessments) ++per_task[as.task_id];
  EXPECT_EQ(per_task[a], 1);
  EXPECT_EQ(per_task[b], 1);
  EXPECT_EQ(per_task.count(c), 0u);
  auto states = h.store().CountObservationsByState();
  ASSERT_TRUE(states.ok());
  EXPECT_EQ(states->at("done"), 2);

  // Exactly one successful webhook delivery per finding/inconclusive, despite the receiver
  // failing every first delivery.
  auto runs = h.store().ListActionRuns(std::nullopt, 1000);
  ASSERT_TRUE(runs.ok());
  std::set<std::string> webhook_keys;
  for (const auto& r : *runs) {
    if (r.type != "webhook") continue;
    webhook_keys.insert(r.idempotency_key);
    EXPECT_EQ(r.status, store::ActionStatus::kSucceeded);
    EXPECT_EQ(r.attempts, 2);
  }
  int expected_hooks = 0;
  for (const auto& as : *assessments) expected_hooks += as.outcome != "ok";
  EXPECT_EQ(static_cast<int>(webhook_keys.size()), expected_hooks);
  auto got = h.hook().SuccessesByKey();
  EXPECT_EQ(got.size(), webhook_keys.size());
  for (const auto& [key, n] : got) {
    EXPECT_EQ(n, 1) << key;
    EXPECT_EQ(webhook_keys.count(key), 1u) << key;
  }
  // Every run of the recognizer chain was recorded for each observation.
  for (const auto& as : *assessments) {
    auto rr = h.store().RunsForObservation(as.observation_id);
    ASSERT_TRUE(rr.ok());
    EXPECT_GE(rr->size(), 1u);
  }
}

TEST(ValueChain, CapturesEqualPassesAndEveryObservationIsAssessed) {
  ChainHarness h;
  DriveAndCheck(h);
}

// The same chain over HTTPS (a test CA made here) with vehicle client certificates: the agent
// trusts the CA, presents its certificate, and its token counts only with it.
TEST(ValueChain, AlsoOverHttpsWithTheVehicleClientCertificate) {
  ChainHarness h({.tls = true, .vehicle_certs = true});
  if (!h.tls_ready()) GTEST_SKIP() << "no openssl tool";
  ASSERT_EQ(h.app().base_url().rfind("https://", 0), 0u);
  DriveAndCheck(h);
}

// Fails closed: an agent that trusts another CA syncs nothing, captures nothing and sends
// nothing — not even its heartbeat — and says why.
TEST(ValueChain, AnAgentGivenTheWrongCaSendsNothing) {
  ChainHarness h({.tls = true});
  if (!h.tls_ready()) GTEST_SKIP() << "no openssl tool";
  TimeMs now = SystemClock::Get()->NowMs();
  Drive d = WriteDrive(h.dir(), now - 10 * 60'000);
  h.CreateActiveTask(AbsenceTask("site A", d.site_a, h.hook().url(), now));
  VehicleCreds v = h.RegisterVehicle("sweeper-8");
  demo::ChildProcess agent =
      h.StartAgent(v, h.dir().Sub("agent"), d.gps, d.camera, "", h.certs().other_ca);
  ASSERT_EQ(agent.Wait(), 0) << *ReadFile(h.dir().Sub("agent.log"));
  Json report = ReadAgentReport(h.dir().Sub("agent.out"));
  EXPECT_EQ(report.value("captures", -1), 0) << report.dump();
  EXPECT_GT(report.value("sync_errors", 0), 0) << report.dump();
  auto states = h.store().CountObservationsByState();
  ASSERT_TRUE(states.ok());
  int64_t observations = 0;
  for (const auto& [state, n] : *states) observations += n;
  EXPECT_EQ(observations, 0);
  auto vehicle = h.store().GetVehicle(v.id);
  ASSERT_TRUE(vehicle.ok());
  EXPECT_FALSE(vehicle->heartbeat_ms.has_value());
  const std::string log = ReadFile(h.dir().Sub("agent.log")).value_or("");
  EXPECT_NE(log.find("agent.sync_failed"), std::string::npos) << log;
}

}  // namespace
}  // namespace tilsyn::testing
