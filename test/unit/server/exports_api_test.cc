// GET /api/v1/exports/findings.{geojson,csv}: filters, formats a GIS (GDAL's ogrinfo) and a
// spreadsheet can open, CSV quoting and formula neutralising, audit.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/ids.h"
#include "core/time_format.h"
#include "fakes/fake_world.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

class ExportsApi : public ApiTest {
 protected:
  // An assessment with `outcome` of an observation captured `minutes_ago` minutes before kNow.
  void Add(const std::string& outcome, int minutes_ago, const std::string& reason) {
    const store::Observation o = ::tilsyn::testing::InsertObservation(
        store_.get(), task_, vehicle_, kNow - minutes_ago * 60'000LL,
        store::ObservationState::kDone);
    store::AssessmentRecord a;
    a.id = NewUuid();
    a.observation_id = o.id;
    a.task_id = task_.id;
    a.outcome = outcome;
    a.reason = reason;
    a.created_ms = kNow;
    ASSERT_TRUE(store_->RecordAssessment(o.id, {}, a, {}).ok());
  }
  void SetUp() override {
    ApiTest::SetUp();
    task_ = store_->GetTask(CreateTask()).value();
    vehicle_ = CreateVehicleWithToken().first;
    Add("finding", 30, "=HYPERLINK(\"x\"), 1 person present, expected none");
    Add("ok", 20, "no person present, as expected");
    Add("finding", 10, "2 person present, expected none");
  }
  tasks::Task task_;
  std::string vehicle_;
};

int OgrFeatureCount(const std::string& path) {
  const std::string cmd = "ogrinfo -ro -al -so '" + path + "' 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char line[512];
  int n = -1;
  while (std::fgets(line, sizeof line, p)) std::sscanf(line, "Feature Count: %d", &n);
  ::pclose(p);
  return n;
}

TEST_F(ExportsApi, GeoJsonOfTheFindingsOpensInGdal) {
  Reply r = Call("GET", "/api/v1/exports/findings.geojson", inspector_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.raw.content_type, "application/geo+json");
  const Json doc = Json::parse(r.raw.body);
  EXPECT_EQ(doc["type"], "FeatureCollection");
  ASSERT_EQ(doc["features"].size(), 2u);  // findings only by default
  const Json& f = doc["features"][0];
  EXPECT_EQ(f["geometry"]["type"], "Point");
  EXPECT_DOUBLE_EQ(f["geometry"]["coordinates"][0].get<double>(), ::tilsyn::testing::kSite.lon);
  EXPECT_EQ(f["properties"]["task_title"], task_.title);
  EXPECT_TRUE(ParseIso8601(f["properties"]["captured_at"].get<std::string>()).ok());

  if (std::system("command -v ogrinfo >/dev/null 2>&1") != 0) GTEST_SKIP() << "gdal-bin missing";
  const std::string path = dir_.Sub("findings.geojson");
  std::ofstream(path) << r.raw.body;
  EXPECT_EQ(OgrFeatureCount(path), 2);
}

TEST_F(ExportsApi, CsvHasAHeaderAndOneQuotedLinePerAssessment) {
  Reply r = Call("GET", "/api/v1/exports/findings.csv?outcome=all", dpo_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.raw.content_type, "text/csv; charset=utf-8");
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < r.raw.body.size()) {
    const size_t end = r.raw.body.find("\r\n", pos);
    lines.push_back(r.raw.body.substr(pos, end - pos));
    pos = end + 2;
  }
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("assessment_id,outcome,reason,", 0), 0u);
  // A formula is neutralised and a comma/quote is quoted.
  EXPECT_NE(r.raw.body.find("\"'=HYPERLINK(\"\"x\"\"), 1 person present, expected none\""),
            std::string::npos)
      << r.raw.body;
  if (std::system("command -v ogrinfo >/dev/null 2>&1") == 0) {
    const std::string path = dir_.Sub("findings.csv");
    std::ofstream(path) << r.raw.body;
    EXPECT_EQ(OgrFeatureCount(path), 3);
  }
}

TEST_F(ExportsApi, FiltersByPeriodTaskAndOutcomeAndEveryExportIsAudited) {
  const std::string from = FormatIso8601(kNow - 15 * 60'000LL);
  Reply r = Call("GET", "/api/v1/exports/findings.geojson?from=" + from, admin_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.raw.body)["features"].size(), 1u);
  r = Call("GET", "/api/v1/exports/findings.geojson?task_id=other", admin_);
  EXPECT_EQ(Json::parse(r.raw.body)["features"].size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/exports/findings.csv?outcome=maybe", admin_).ErrorField(),
            "outcome");
  EXPECT_EQ(Call("GET", "/api/v1/exports/findings.csv?from=yesterday", admin_).ErrorField(),
            "from");
  EXPECT_EQ(Call("GET", "/api/v1/exports/findings.csv", "").status, 401);
  store::AuditFilter f;
  f.action = "findings.export";
  auto events = store_->ListAudit(f);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].details["count"], 1);
}

}  // namespace
}  // namespace tilsyn::server::testing
