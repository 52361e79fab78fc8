// PostgreSQL-specific behaviour of the store: placeholder numbering, migrations (versions,
// concurrent starts, a newer database), concurrent writers under SERIALIZABLE with retries, lost
// connections, and text PostgreSQL cannot hold. The backend-independent suite runs over
// PostgreSQL too (store_backends_test.cc). Needs TILSYN_TEST_DATABASE_URL (scripts/test.sh).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "fakes/test_paths.h"
#include "fakes/test_store.h"
#include "store/audit_chain.h"
#include "store/blob_store.h"
#include "store/copy_store.h"
#include "store/encrypted_blob_store.h"
#include "store/image_keyring.h"
#include "store/sql/migrations.h"
#include "store/sql/pg_db.h"
#include "store_fixture.h"

namespace tilsyn::store::sql {
namespace {

using ::tilsyn::testing::TempDir;

TEST(PgDb, PlaceholdersAreNumberedOutsideQuotes) {
  int n = 0;
  EXPECT_EQ(PgDb::NumberPlaceholders("SELECT a FROM t WHERE b = ? AND c = ?", &n),
            "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(PgDb::NumberPlaceholders("SELECT '?', \"?\" FROM t WHERE x = ?", &n),
            "SELECT '?', \"?\" FROM t WHERE x = $1");
  EXPECT_EQ(n, 1);
  // SQLite's numbered form keeps its numbers; a bare ? after it takes the next one.
  EXPECT_EQ(PgDb::NumberPlaceholders("WHERE a = ?2 OR b = ?1 OR c = ?", &n),
            "WHERE a = $2 OR b = $1 OR c = $3");
  EXPECT_EQ(n, 3);
}

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto base = ::tilsyn::testing::TestDatabaseUrl();
    if (!base) GTEST_SKIP() << "no TILSYN_TEST_DATABASE_URL (scripts/test.sh sets one)";
    auto url = ::tilsyn::testing::SchemaUrl(*base, dir_.path());
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    url_ = *url;
  }
  Result<std::unique_ptr<Store>> Open(int connections = 4) {
    return OpenPostgresStore(url_, connections);
  }

  TempDir dir_;
  std::string url_;
};

TEST_F(PgStoreTest, MigrationsReachTheLatestVersionOnceEvenWhenStartedTogether) {
  std::vector<std::thread> starters;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    starters.emplace_back([&] { ok += Open(1).ok() ? 1 : 0; });
  }
  for (auto& t : starters) t.join();
  EXPECT_EQ(ok.load(), 4);
  auto db = PgDb::Connect(url_);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ((*db)->QueryInt("SELECT version FROM tilsyn_schema").value(), LatestSchemaVersion());
  EXPECT_EQ((*db)->QueryInt("SELECT COUNT(*) FROM tilsyn_schema").value(), 1);
}

// A database that cannot be reached: the answer (which may reach an API client through a pooled
// connection opened on demand) names no host, port or user; the log has them.
TEST(PgDb, AnUnreachableDatabaseIsUnavailableWithoutNamingTheServer) {
  auto db = PgDb::Connect("postgresql://secret-user@127.0.0.1:1/tilsyn?connect_timeout=2");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Code::kUnavailable);
  for (const char* leak : {"127.0.0.1", "secret-user", "5432", ":1"}) {
    EXPECT_EQ(db.status().message().find(leak), std::string::npos) << db.status().message();
  }
}

TEST_F(PgStoreTest, ADatabaseNewerThanThisProgramIsRefused) {
  ASSERT_TRUE(Open().ok());
  auto db = PgDb::Connect(url_);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("UPDATE tilsyn_schema SET version = version + 1").ok());
  auto s = Open();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("newer than this program"), std::string::npos);
}

TEST_F(PgStoreTest, ConcurrentWritersAllLandWithUniqueJobVersions) {
  // Job versions are MAX(version) + 1: two writers reading the same maximum conflict under
  // SERIALIZABLE, and the loser's transaction is run again — no call fails, no version repeats.
  auto s = Open(4);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Store& store = **s;
  constexpr int kThreads = 4, kEach = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kThreads; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        tasks::Task t = testing::MakeTask("task-" + std::to_string(w) + "-" + std::to_string(i));
        if (!store.CreateTask(t).ok() || !store.UpdateTask(t, testing::MakeJob(t)).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto jobs = store.JobsSince(0);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), static_cast<size_t>(kThreads * kEach));
  std::set<int64_t> versions;
  for (const auto& j : *jobs) versions.insert(j.version);
  EXPECT_EQ(versions.size(), jobs->size());
  EXPECT_EQ(*versions.rbegin(), kThreads * kEach);
}

TEST_F(PgStoreTest, ALostConnectionIsReplacedAndTheCallSucceeds) {
  const std::string app = "tilsyn_lost_" + std::to_string(::getpid());
  url_ += "&application_name=" + app;
  auto s = Open(2);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE((*s)->CreateTask(testing::MakeTask("before")).ok());
  // The database restarts, a firewall drops the link, an administrator ends the session.
  auto admin = PgDb::Connect(*::tilsyn::testing::TestDatabaseUrl());
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE((*admin)
                  ->Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE application_name = '" + app + "'")
                  .ok());
  EXPECT_TRUE((*s)->CreateTask(testing::MakeTask("after")).ok());
  EXPECT_TRUE((*s)->GetTask("before").ok());
  EXPECT_TRUE((*s)->GetTask("after").ok());
}

TEST_F(PgStoreTest, TextPostgresCannotHoldIsRefusedNotTruncated) {
  auto s = Open();
  ASSERT_TRUE(s.ok());
  tasks::Task t = testing::MakeTask("nul");
  t.owner = std::string("ali\0ce", 6);
  Status st = (*s)->CreateTask(t);
  EXPECT_EQ(st.code(), Code::kInvalidArgument) << st.ToString();
  EXPECT_EQ((*s)->GetTask("nul").status().code(), Code::kNotFound);
}

// Images in the database (PostgreSQL installs): the BlobStore contract, bytes exactly as given.
TEST_F(PgStoreTest, ImagesRoundTripAsBytesAndAreListedSorted) {
  auto blobs = OpenPostgresBlobStore(url_);
  ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
  BlobStore& b = **blobs;
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);  // NUL and high bytes included
  ASSERT_TRUE(b.Put("obs-2.jpg", bytes).ok());
  ASSERT_TRUE(b.Put("obs-1.jpg", "first").ok());
  EXPECT_EQ(b.Get("obs-2.jpg").value(), bytes);
  ASSERT_TRUE(b.Put("obs-1.jpg", "replaced").ok());
  EXPECT_EQ(b.Get("obs-1.jpg").value(), "replaced");
  EXPECT_EQ(b.Keys().value(), (std::vector<std::string>{"obs-1.jpg", "obs-2.jpg"}));
  EXPECT_TRUE(b.Exists("obs-1.jpg"));
  ASSERT_TRUE(b.Delete("obs-1.jpg").ok());
  EXPECT_TRUE(b.Delete("obs-1.jpg").ok());  // already absent is fine
  EXPECT_FALSE(b.Exists("obs-1.jpg"));
  EXPECT_EQ(b.Get("obs-1.jpg").status().code(), Code::kNotFound);
  EXPECT_EQ(b.Put("../etc/passwd", "x").field(), "key");
}

// Invariant 6 on PostgreSQL: the row holds ciphertext; rotation rewrites it to the current key.
TEST_F(PgStoreTest, ImagesInTheDatabaseAreEncryptedAndRotate) {
  auto raw = OpenPostgresBlobStore(url_);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  const std::string a(64, 'a'), b(64, 'b');
  auto old_ring = ImageKeyring::Parse("old:" + a, "");
  ASSERT_TRUE(old_ring.ok()) << old_ring.status().ToString();
  auto blobs = NewEncryptedBlobStore(std::move(*raw), *old_ring);
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "plaintext-marker-42";
  ASSERT_TRUE(blobs->Put("obs-1.jpg", jpeg).ok());
  EXPECT_EQ(blobs->Get("obs-1.jpg").value(), jpeg);

  auto db = PgDb::Connect(url_);
  ASSERT_TRUE(db.ok());
  auto st = (*db)->Prepare("SELECT data FROM images WHERE key = 'obs-1.jpg'");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(st->Step().value());
  const std::string stored = st->Blob(0);
  EXPECT_EQ(stored.find("plaintext-marker-42"), std::string::npos);
  EXPECT_EQ(EncryptedKeyId(stored).value(), "old");

  auto ring = ImageKeyring::Parse("old:" + a + ",new:" + b, "new");
  ASSERT_TRUE(ring.ok());
  auto again = OpenPostgresBlobStore(url_);
  ASSERT_TRUE(again.ok());
  auto rep = RotateImageKeys(**again, *ring);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->rewritten, 1);
  EXPECT_EQ(EncryptedKeyId((*again)->Get("obs-1.jpg").value()).value(), "new");
}

// `tilsyn migrate --to`: a single-machine install moves whole — rows as stored (so the audit
// chain still verifies), insertion order, identities that continue, image files — and only into
// an empty database.
TEST_F(PgStoreTest, ASqliteInstallIsCopiedWholeIntoAnEmptyDatabaseOnly) {
  using namespace ::tilsyn::store::testing;  // record builders of the store suite
  const std::string db_path = dir_.Sub("source.db");
  {
    auto src = OpenSqliteStore(db_path);
    ASSERT_TRUE(src.ok()) << src.status().ToString();
    Store& s = **src;
    tasks::Task t = MakeTask("task-1");
    ASSERT_TRUE(s.CreateTask(t).ok());
    ASSERT_TRUE(s.UpdateTask(t, MakeJob(t)).ok());
    ASSERT_TRUE(s.CreateVehicle(MakeVehicle("veh-1", "Sweeper 1")).ok());
    Observation o = MakeObservation("obs-1", "task-1", kT0);
    ASSERT_TRUE(s.InsertObservation(o, MakeBlob("img-obs-1", o, kT0 + 1000)).ok());
    ASSERT_TRUE(s.RecordAssessment("obs-1", {MakeRun("obs-1", "svc", 0, kT0, 5, true)},
                                   MakeAssessment("as-1", o, "finding", kT0 + 1),
                                   {MakeActionRun("ar-1", "as-1", "key-1", kT0)})
                    .ok());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(s.AppendAudit(NewAuditEvent(kT0 + i, "ivan", "inspector", "image.view",
                                              "observation", "obs-1", "review", Json::object()))
                      .ok());
    }
    ASSERT_TRUE(s.RecordRefusal({kT0, "veh-1", "job", "task-1", "outside", "lat"}).ok());
  }
  auto files = OpenDirBlobStore(dir_.Sub("images"));
  ASSERT_TRUE(files.ok());
  ASSERT_TRUE((*files)->Put("img-obs-1", std::string("\0\1encrypted", 11)).ok());

  std::vector<std::string> lines;
  auto report = CopySqliteToPostgres(db_path, dir_.Sub("images"), url_,
                                     [&](const std::string& l) { lines.push_back(l); });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->images, 1);
  EXPECT_FALSE(lines.empty());

  auto copy = Open();
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ((*copy)->GetTask("task-1")->title, MakeTask("task-1").title);
  EXPECT_EQ((*copy)->CurrentJobVersion().value(), 1);
  EXPECT_EQ((*copy)->GetAssessment("as-1")->outcome, "finding");
  EXPECT_EQ((*copy)->GetActionRun("ar-1")->idempotency_key, "key-1");
  EXPECT_EQ((*copy)->RunsForObservation("obs-1")->size(), 1u);
  auto audit = (*copy)->ListAudit({});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_TRUE(VerifyAuditChain(*audit).ok);
  // The next audit entry and refusal continue the copied sequences.
  ASSERT_TRUE((*copy)->AppendAudit(NewAuditEvent(kT0 + 9, "dora", "dpo", "audit.view", "audit",
                                                 "-", "oversight", Json::object()))
                  .ok());
  EXPECT_TRUE(VerifyAuditChain((*copy)->ListAudit({}).value()).ok);
  EXPECT_TRUE((*copy)->RecordRefusal({kT0 + 9, "veh-1", "job", "task-1", "outside", "lon"}).ok());
  auto images = OpenPostgresBlobStore(url_);
  ASSERT_TRUE(images.ok());
  EXPECT_EQ((*images)->Get("img-obs-1").value(), std::string("\0\1encrypted", 11));

  // A second copy into the now non-empty database is refused and changes nothing.
  auto again = CopySqliteToPostgres(db_path, dir_.Sub("images"), url_, nullptr);
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(again.status().field(), "to");
  EXPECT_EQ((*copy)->ListAudit({})->size(), 4u);
}

// LISTEN/NOTIFY: an upload stored by one process wakes the idle workers of another at once;
// installs in other schemas of the same database are not woken.
TEST_F(PgStoreTest, AnnouncedWorkWakesAListenerOfTheSameInstallOnly) {
  auto api = Open(1);
  auto worker = Open(1);
  ASSERT_TRUE(api.ok() && worker.ok());
  auto listener = (*worker)->ListenForWork();
  ASSERT_NE(listener, nullptr);
  EXPECT_FALSE(listener->Wait(50));  // connects and listens; nothing announced yet
  auto other = OpenPostgresStore(
      ::tilsyn::testing::SchemaUrl(*::tilsyn::testing::TestDatabaseUrl(), dir_.Sub("other"))
          .value(),
      1);
  ASSERT_TRUE(other.ok());
  (*other)->AnnounceWork();
  EXPECT_FALSE(listener->Wait(200)) << "another schema's install woke this one";
  (*api)->AnnounceWork();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(listener->Wait(10'000));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

// Task and job areas as PostGIS geometry for a GIS user (QGIS reads geometry_columns): a circle
// becomes its buffer, a polygon itself; kept up to date when the task changes.
TEST_F(PgStoreTest, TaskAndJobAreasAreAlsoPostgisGeometry) {
  auto s = Open();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto db = PgDb::Connect(url_);
  ASSERT_TRUE(db.ok());
  auto has_postgis = (*db)->QueryInt("SELECT COUNT(*) FROM pg_extension WHERE extname = 'postgis'");
  if (!has_postgis.ok() || *has_postgis == 0) GTEST_SKIP() << "PostGIS is not installed here";
  tasks::Task t = testing::MakeTask("task-geo");  // a 30 m circle
  ASSERT_TRUE((*s)->CreateTask(t).ok());
  ASSERT_TRUE((*s)->UpdateTask(t, testing::MakeJob(t)).ok());
  auto number = [&](const std::string& sql) {
    auto st = (*db)->Prepare(sql);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    if (!st.ok() || !st->Step().value_or(false)) return -1.0;
    return st->Double(0);
  };
  // π · 30² = 2827 m²; the buffer's polygon is a little smaller than the circle.
  EXPECT_NEAR(number("SELECT ST_Area(area_geom::geography) FROM tasks WHERE id = 'task-geo'"),
              2827, 60);
  EXPECT_NEAR(number("SELECT ST_Area(area_geom::geography) FROM jobs WHERE task_id = 'task-geo'"),
              2827, 60);
  EXPECT_EQ(number("SELECT ST_SRID(area_geom) FROM tasks WHERE id = 'task-geo'"), 4326);
  EXPECT_EQ(number("SELECT COUNT(*) FROM geometry_columns WHERE f_table_name = 'tasks' "
                   "AND f_geometry_column = 'area_geom' AND srid = 4326 "
                   "AND f_table_schema = current_schema()"),
            1);
  // A polygon replaces the circle: the column follows the task.
  auto square = geo::Geofence::FromGeoJson(Json::parse(
      R"({"type": "Polygon", "coordinates": [[[12.568, 55.676], [12.569, 55.676],
          [12.569, 55.677], [12.568, 55.677], [12.568, 55.676]]]})"),
      "area");
  ASSERT_TRUE(square.ok()) << square.status().ToString();
  t.area = *square;
  ASSERT_TRUE((*s)->UpdateTask(t, std::nullopt).ok());
  EXPECT_EQ(number("SELECT ST_NPoints(area_geom) FROM tasks WHERE id = 'task-geo'"), 5);
  EXPECT_EQ(number("SELECT COUNT(*) FROM tasks WHERE ST_Intersects(area_geom, "
                   "ST_SetSRID(ST_MakePoint(12.5685, 55.6765), 4326))"),
            1);
}

TEST(SqliteStore, HasNoOneToTellAboutWork) {
  TempDir dir;
  auto s = OpenSqliteStore(dir.Sub("t.db"));
  ASSERT_TRUE(s.ok());
  (*s)->AnnounceWork();
  EXPECT_EQ((*s)->ListenForWork(), nullptr);
}

}  // namespace
}  // namespace tilsyn::store::sql
