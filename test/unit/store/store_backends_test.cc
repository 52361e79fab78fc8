// The backends the Store suite runs against, and the builders the suite shares.
#include "fakes/test_store.h"
#include "store_fixture.h"

namespace tilsyn::store::testing {

tasks::Task MakeTask(const std::string& id, tasks::TaskStatus status) {
  tasks::Task t;
  t.id = id;
  t.title = "Containers on " + id;
  t.unit = "roads";
  t.owner = "inspector1";
  t.kind = tasks::TaskKind::kPresence;
  t.targets = {{"container", 0.6}};
  t.area = geo::Geofence::Circle({55.6761, 12.5683}, 30);
  t.schedule.valid_from = kT0;
  t.schedule.valid_to = kT0 + 30LL * 24 * 3600 * 1000;
  t.actions = {{"webhook", {tasks::Outcome::kFinding}, "http://127.0.0.1:9/hook", "s3cret"}};
  t.status = status;
  t.revision = 1;
  t.created_ms = kT0;
  t.updated_ms = kT0;
  return t;
}

tasks::CaptureJob MakeJob(const tasks::Task& t, bool active) {
  tasks::CaptureJob j;
  j.id = t.id;
  j.task_id = t.id;
  j.active = active;
  j.area = t.area;
  j.schedule = t.schedule;
  j.targets = {"container"};
  return j;
}

Vehicle MakeVehicle(const std::string& id, const std::string& name) {
  Vehicle v;
  v.id = id;
  v.name = name;
  v.kind = "waste_truck";
  v.lane = "both";
  v.created_ms = kT0;
  return v;
}

Observation MakeObservation(const std::string& id, const std::string& task_id, TimeMs received_ms) {
  Observation o;
  o.id = id;
  o.task_id = task_id;
  o.job_id = task_id;
  o.vehicle_id = "veh-1";
  o.captured_ms = received_ms - 1000;
  o.lat = 55.6761;
  o.lon = 12.5683;
  o.heading_deg = 90;
  o.speed_kmh = 12.5;
  o.blob_key = "img-" + id;
  o.image_sha256 = "ab12";
  o.anonymization = {{"faces", 2}, {"plates", 1}};
  o.received_ms = received_ms;
  o.updated_ms = received_ms;
  return o;
}

BlobRecord MakeBlob(const std::string& key, const Observation& obs,
                    std::optional<TimeMs> delete_after_ms) {
  BlobRecord b;
  b.key = key;
  b.observation_id = obs.id;
  b.task_id = obs.task_id;
  b.size = 1234;
  b.created_ms = obs.received_ms;
  b.delete_after_ms = delete_after_ms;
  return b;
}

RecognitionRunRecord MakeRun(const std::string& obs_id, const std::string& service, int position,
                             TimeMs started_ms, int64_t latency_ms, bool good_enough,
                             const std::string& error) {
  RecognitionRunRecord r;
  r.observation_id = obs_id;
  r.service = service;
  r.label = "container";
  r.position = position;
  r.started_ms = started_ms;
  r.finished_ms = started_ms + latency_ms;
  r.detections = Json::array({{{"label", "container"}, {"score", 0.9}}});
  r.good_enough = good_enough;
  r.error = error;
  return r;
}

AssessmentRecord MakeAssessment(const std::string& id, const Observation& obs,
                                const std::string& outcome, TimeMs created_ms) {
  AssessmentRecord a;
  a.id = id;
  a.observation_id = obs.id;
  a.task_id = obs.task_id;
  a.outcome = outcome;
  a.reason = "1 container";
  a.counts = {{"container", 1}};
  a.created_ms = created_ms;
  return a;
}

ActionRunRecord MakeActionRun(const std::string& id, const std::string& assessment_id,
                              const std::string& key, TimeMs next_attempt_ms) {
  ActionRunRecord r;
  r.id = id;
  r.assessment_id = assessment_id;
  r.type = "webhook";
  r.target = "http://127.0.0.1:9/hook";
  r.idempotency_key = key;
  r.payload = {{"outcome", "finding"}};
  r.next_attempt_ms = next_attempt_ms;
  r.created_ms = next_attempt_ms;
  r.updated_ms = next_attempt_ms;
  return r;
}

namespace {

// PostgreSQL runs when the run has a test database (scripts/test.sh starts one), else skips.
std::vector<StoreBackend> Backends() {
  return {
      {"sqlite", [](const std::string& dir) { return OpenSqliteStore(dir + "/tilsyn.db"); }},
      {"postgresql",
       [](const std::string& dir) -> Result<std::unique_ptr<Store>> {
         auto base = ::tilsyn::testing::TestDatabaseUrl();
         if (!base) return Status::FailedPrecondition("no TILSYN_TEST_DATABASE_URL");
         TILSYN_ASSIGN_OR_RETURN(std::string url, ::tilsyn::testing::SchemaUrl(*base, dir));
         return OpenPostgresStore(url, 4);
       },
       [] { return ::tilsyn::testing::TestDatabaseUrl().has_value(); }},
  };
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<StoreBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tilsyn::store::testing
