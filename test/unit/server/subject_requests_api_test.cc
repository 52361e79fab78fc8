// A data subject's request (POST /api/v1/subject-requests/{search,export,erase}): the DPO finds
// the observations of one place and time, exports them, or erases their images and locations —
// audited under the request's reference, legal holds respected, the audit chain intact.
#include <gtest/gtest.h>

#include "api_fixture.h"
#include "fakes/fake_world.h"
#include "server/zip_writer.h"

namespace tilsyn::server::testing {
namespace {

using ::tilsyn::testing::kSite;

class SubjectRequestsApiTest : public ApiTest {
 protected:
  // An observation of `task` at `at`, `east_m` metres east of the site, done, with its image.
  store::Observation Put(const tasks::Task& task, TimeMs at, double east_m = 0,
                         store::ObservationState state = store::ObservationState::kDone) {
    store::Observation o =
        ::tilsyn::testing::InsertObservation(store_.get(), task, "sweeper-7", at, state);
    o.lon += east_m / 62'900.0;  // metres per degree of longitude at 55.7° N
    o.speed_kmh = 11;
    EXPECT_TRUE(store_->UpdateObservation(o).ok());
    EXPECT_TRUE(blobs_->Put(o.blob_key, kImage).ok());
    return o;
  }
  tasks::Task Task(bool legal_hold = false) {
    tasks::Task t = ::tilsyn::testing::ActiveTask(kNow);
    t.retention.legal_hold = legal_hold;
    ::tilsyn::testing::CreateTaskWithJob(store_.get(), t);
    return t;
  }
  // 30 m around the site, the ten minutes from kNow.
  Json Request(const std::string& reference = "DSR-2026-17") {
    return {
        {"reference", reference},
        {"area", {{"type", "Point"}, {"coordinates", {kSite.lon, kSite.lat}}, {"radius_m", 30}}},
        {"from", FormatIso8601(kNow)},
        {"to", FormatIso8601(kNow + 600'000)}};
  }
  std::vector<std::string> Ids(const Json& list) {
    std::vector<std::string> out;
    for (const auto& o : list)
      out.push_back(o.is_string() ? o.get<std::string>() : o["id"].get<std::string>());
    return out;
  }
  std::vector<store::AuditEvent> Audit(const std::string& action) {
    store::AuditFilter f;
    f.action = action;
    return store_->ListAudit(f).value();
  }
  const std::string kImage = std::string("\xFF\xD8\xFF\xE0", 4) + "anonymized pixels\xFF\xD9";
};

TEST_F(SubjectRequestsApiTest, SearchFindsThePlaceAndTimeOnlyAndIsAudited) {
  tasks::Task t = Task();
  store::Observation a = Put(t, kNow + 1000);
  store::Observation b = Put(t, kNow + 2000, 20);
  Put(t, kNow + 3000, 45);  // outside the 30 m circle, inside its box's neighbourhood
  Put(t, kNow + 700'000);   // after the window
  Put(t, kNow - 1);         // before it
  Reply r = Call("POST", "/api/v1/subject-requests/search", dpo_, Request());
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(Ids(r.json["observations"]), (std::vector<std::string>{a.id, b.id}));
  EXPECT_EQ(r.json["observations"][0]["task_title"], t.title);
  EXPECT_EQ(r.json["observations"][0]["erasable"], true);

  auto audit = Audit("subject.search");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].user, "dora");
  EXPECT_EQ(audit[0].object_id, "DSR-2026-17");
  EXPECT_EQ(audit[0].purpose, "DSR-2026-17");
}

TEST_F(SubjectRequestsApiTest, TheBoxIsPagedAndOnlyTheAreaCounts) {
  // A triangle whose box holds 510 observations outside it, taken before the two inside.
  tasks::Task t = Task();
  for (int i = 0; i < 510; ++i) Put(t, kNow + i, -25);  // west half of the box: outside
  store::Observation in1 = Put(t, kNow + 1000, 20), in2 = Put(t, kNow + 1000, 21);
  const double w = kSite.lon - 30 / 62'900.0, e = kSite.lon + 30 / 62'900.0;
  const double s = kSite.lat - 30 / 111'320.0, n = kSite.lat + 30 / 111'320.0;
  Json req = Request();
  req["area"] = {{"type", "Polygon"}, {"coordinates", {{{e, s}, {e, n}, {w, n}, {e, s}}}}};
  Reply r = Call("POST", "/api/v1/subject-requests/search", dpo_, req);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  std::vector<std::string> got = Ids(r.json["observations"]);
  std::sort(got.begin(), got.end());
  std::vector<std::string> want = {in1.id, in2.id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

// At most 1,000 observations per request: one more is refused naming the area (nothing audited,
// nothing returned), and the DPO narrows the time to get them all.
TEST_F(SubjectRequestsApiTest, MoreThanAThousandMatchesAreRefusedUntilNarrowed) {
  tasks::Task t = Task();
  for (int i = 0; i <= 1000; ++i) {
    ::tilsyn::testing::InsertObservation(store_.get(), t, "sweeper-7", kNow + i * 100,
                                         store::ObservationState::kDone);
  }
  Reply all = Call("POST", "/api/v1/subject-requests/search", dpo_, Request());
  EXPECT_EQ(all.status, 400) << all.raw.body.substr(0, 200);
  EXPECT_EQ(all.ErrorField(), "area");
  EXPECT_NE(all.raw.body.find("more than 1000 observations match"), std::string::npos);
  EXPECT_TRUE(Audit("subject.search").empty());
  Json narrower = Request();
  narrower["to"] = FormatIso8601(kNow + 99'950);  // the last one (at +100 s) is left out
  Reply r = Call("POST", "/api/v1/subject-requests/search", dpo_, narrower);
  ASSERT_EQ(r.status, 200) << r.raw.body.substr(0, 200);
  EXPECT_EQ(r.json["observations"].size(), 1000u);
  EXPECT_EQ(Audit("subject.search").size(), 1u);
}

TEST_F(SubjectRequestsApiTest, BadRequestsAreRefusedNamingTheField) {
  EXPECT_EQ(Call("POST", "/api/v1/subject-requests/search", inspector_, Request()).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/subject-requests/erase", "", Request()).status, 401);
  auto field = [&](Json body) {
    Reply r = Call("POST", "/api/v1/subject-requests/erase", dpo_, body);
    EXPECT_EQ(r.status, 400) << r.raw.body;
    return r.ErrorField();
  };
  Json j = Request();
  j.erase("reference");
  EXPECT_EQ(field(j), "reference");
  EXPECT_EQ(field(Request("x")), "reference");
  j = Request();
  j["area"] = {{"type", "Point"}, {"coordinates", {kSite.lon, kSite.lat}}};
  EXPECT_EQ(field(j), "area.radius_m");
  j["area"] = {{"type", "LineString"},
               {"coordinates", {{kSite.lon, kSite.lat}, {kSite.lon + 0.001, kSite.lat}}},
               {"buffer_m", 5}};
  EXPECT_EQ(field(j), "area.type");
  j = Request();
  j["from"] = "yesterday";
  EXPECT_EQ(field(j), "from");
  j = Request();
  j["to"] = FormatIso8601(kNow - 1);
  EXPECT_EQ(field(j), "to");
  EXPECT_EQ(Call("POST", "/api/v1/subject-requests/erase", dpo_, "{not json").status, 400);
  EXPECT_TRUE(Audit("subject.erase").empty());
}

TEST_F(SubjectRequestsApiTest, TheExportHoldsTheObservationsAndTheirImages) {
  tasks::Task t = Task();
  store::Observation a = Put(t, kNow + 1000);
  Reply r = Call("POST", "/api/v1/subject-requests/export", dpo_, Request());
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.raw.content_type, "application/zip");
  auto entries = ReadZip(r.raw.body);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].name, "observations.json");
  Json about = Json::parse((*entries)[0].data);
  EXPECT_EQ(about["reference"], "DSR-2026-17");
  EXPECT_EQ(about["exported_by"], "dora");
  EXPECT_EQ(about["observations"][0]["id"], a.id);
  EXPECT_EQ((*entries)[1].name, "images/" + a.id + ".jpg");
  EXPECT_EQ((*entries)[1].data, kImage);
  auto audit = Audit("subject.export");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].details["observations"], Json::array({a.id}));
}

TEST_F(SubjectRequestsApiTest, EraseTakesImageAndLocationKeepsHoldsAndTheChainVerifies) {
  tasks::Task t = Task(), held = Task(/*legal_hold=*/true);
  store::Observation a = Put(t, kNow + 1000);
  store::Observation busy = Put(t, kNow + 2000, 0, store::ObservationState::kAssessed);
  store::Observation h = Put(held, kNow + 3000);
  store::Observation other = Put(t, kNow + 700'000);  // outside the window: untouched
  ASSERT_EQ(Call("GET", "/api/v1/observations/" + a.id + "/image?purpose=look", inspector_).status,
            200);

  Reply r = Call("POST", "/api/v1/subject-requests/erase", dpo_, Request());
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(Ids(r.json["erased"]), (std::vector<std::string>{a.id}));
  EXPECT_EQ(Ids(r.json["still_processing"]), (std::vector<std::string>{busy.id}));
  EXPECT_EQ(Ids(r.json["kept_legal_hold"]), (std::vector<std::string>{h.id}));

  // The image's bytes and record are gone, and so are position, speed and vehicle.
  EXPECT_FALSE(blobs_->Get(a.blob_key).ok());
  EXPECT_TRUE(store_->GetBlob(a.blob_key)->deleted_ms.has_value());
  store::Observation after = store_->GetObservation(a.id).value();
  EXPECT_TRUE(after.location_erased_ms.has_value());
  EXPECT_EQ(after.vehicle_id, "");
  EXPECT_FALSE(after.speed_kmh.has_value());
  EXPECT_EQ(Call("GET", "/api/v1/observations/" + a.id + "/image?purpose=look", inspector_).status,
            404);
  Reply shown = Call("GET", "/api/v1/observations/" + a.id, admin_);
  ASSERT_EQ(shown.status, 200) << shown.raw.body;
  EXPECT_TRUE(shown.json["lat"].is_null());
  EXPECT_FALSE(shown.json["location_erased_at"].is_null());
  // The others keep theirs.
  for (const auto& o : {busy, h, other}) {
    EXPECT_TRUE(blobs_->Get(o.blob_key).ok()) << o.id;
    EXPECT_FALSE(store_->GetObservation(o.id)->location_erased_ms.has_value()) << o.id;
  }
  // Audited: the request first, then the erased observation; the chain still verifies.
  ASSERT_EQ(Audit("subject.erase").size(), 1u);
  auto steps = Audit("observation.erase");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].object_id, a.id);
  EXPECT_LT(Audit("subject.erase")[0].seq, steps[0].seq);
  Reply verify = Call("POST", "/api/v1/audit/verify", dpo_, "");
  ASSERT_EQ(verify.status, 200);
  EXPECT_EQ(verify.json["ok"], true) << verify.raw.body;
  // Found no more: asking again erases nothing twice.
  Reply again = Call("POST", "/api/v1/subject-requests/erase", dpo_, Request());
  EXPECT_EQ(again.json["erased"].size(), 0u);
}

TEST_F(SubjectRequestsApiTest, ExportsNoLongerPlaceAnErasedFinding) {
  tasks::Task t = Task();
  store::Observation o = Put(t, kNow + 1000, 0, store::ObservationState::kAssessed);
  store::AssessmentRecord a;
  a.id = "as-1";
  a.observation_id = o.id;
  a.task_id = t.id;
  a.outcome = "finding";
  a.created_ms = kNow + 2000;
  ASSERT_TRUE(store_->RecordAssessment(o.id, {}, a, {}).ok());
  o = store_->GetObservation(o.id).value();
  o.state = store::ObservationState::kDone;
  ASSERT_TRUE(store_->UpdateObservation(o).ok());
  Reply before = Call("GET", "/api/v1/exports/findings.geojson", inspector_);
  ASSERT_EQ(before.status, 200) << before.raw.body;
  Json fc = Json::parse(before.raw.body);
  EXPECT_EQ(fc["features"][0]["geometry"]["type"], "Point");

  ASSERT_EQ(Call("POST", "/api/v1/subject-requests/erase", dpo_, Request()).status, 200);
  fc = Json::parse(Call("GET", "/api/v1/exports/findings.geojson", inspector_).raw.body);
  ASSERT_EQ(fc["features"].size(), 1u) << "the finding stays, without a place";
  EXPECT_TRUE(fc["features"][0]["geometry"].is_null());
  EXPECT_EQ(fc["features"][0]["properties"]["vehicle_id"], "");
  const std::string csv = Call("GET", "/api/v1/exports/findings.csv", inspector_).raw.body;
  EXPECT_NE(csv.find(",,\r\n"), std::string::npos) << csv;
  EXPECT_EQ(csv.find(std::to_string(kSite.lat).substr(0, 6)), std::string::npos) << csv;
}

}  // namespace
}  // namespace tilsyn::server::testing
