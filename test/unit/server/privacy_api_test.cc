// The privacy API: image views for a purpose (audited), the audit trail and its verification,
// task changes and feedback in the audit trail, and the processing record.
#include <gtest/gtest.h>

#include <set>

#include "api_fixture.h"
#include "fakes/fake_world.h"
#include "imaging/jpeg.h"
#include "store/audit_chain.h"

namespace tilsyn::server::testing {
namespace {

class PrivacyApiTest : public ApiTest {
 protected:
  // An observation of a fresh active task with image bytes in the blob store.
  store::Observation ObservationWithImage() {
    tasks::Task t = ::tilsyn::testing::ActiveTask(kNow);
    ::tilsyn::testing::CreateTaskWithJob(store_.get(), t);
    store::Observation o = ::tilsyn::testing::InsertObservation(store_.get(), t, "v1", kNow);
    EXPECT_TRUE(blobs_->Put(o.blob_key, kImage).ok());
    return o;
  }
  std::vector<store::AuditEvent> Audit(const std::string& action) {
    store::AuditFilter f;
    f.action = action;
    return store_->ListAudit(f).value();
  }
  const std::string kImage = std::string("\xFF\xD8\xFF\xE0", 4) + "anonymized pixels\xFF\xD9";
};

TEST_F(PrivacyApiTest, PrivacyInvariant5_ImageViewNeedsAPurposeAndIsAudited) {
  store::Observation o = ObservationWithImage();
  const std::string path = "/api/v1/observations/" + o.id + "/image";
  Reply missing = Call("GET", path, inspector_);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.ErrorField(), "purpose");
  EXPECT_TRUE(store_->ListAudit({})->empty()) << "a refused view must not be recorded as a view";

  Reply ok = Call("GET", path + "?purpose=complaint%20from%20citizen%20%2317", inspector_);
  ASSERT_EQ(ok.status, 200) << ok.raw.body;
  EXPECT_EQ(ok.raw.content_type, "image/jpeg");
  EXPECT_EQ(ok.raw.body, kImage);

  auto views = Audit("image.view");
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].user, "ivan");
  EXPECT_EQ(views[0].role, "inspector");
  EXPECT_EQ(views[0].object_id, o.id);
  EXPECT_EQ(views[0].purpose, "complaint from citizen #17");
  EXPECT_EQ(views[0].at, kNow);
}

TEST_F(PrivacyApiTest, PrivacyInvariant5_ImageExportIsAuditedAsExport) {
  store::Observation o = ObservationWithImage();
  Reply r = Call(
      "GET", "/api/v1/observations/" + o.id + "/image?purpose=case%20file&disposition=attachment",
      dpo_);
  ASSERT_EQ(r.status, 200);
  bool attachment = false;
  for (const auto& [k, v] : r.raw.headers) attachment |= k == "Content-Disposition";
  EXPECT_TRUE(attachment);
  auto exports = Audit("image.export");
  ASSERT_EQ(exports.size(), 1u);
  EXPECT_EQ(exports[0].user, "dora");
  EXPECT_EQ(exports[0].role, "dpo");
}

TEST_F(PrivacyApiTest, PrivacyInvariant5_AThumbnailIsAnAuditedViewForAPurpose) {
  store::Observation o = ObservationWithImage();
  cv::Mat img(480, 640, CV_8UC3, cv::Scalar(30, 60, 90));
  ASSERT_TRUE(blobs_->Put(o.blob_key, imaging::EncodeJpeg(img).value()).ok());
  const std::string path = "/api/v1/observations/" + o.id + "/image?width=160";
  EXPECT_EQ(Call("GET", path, inspector_).ErrorField(), "purpose");
  EXPECT_EQ(Call("GET", path + "&purpose=list&width=8", inspector_).ErrorField(), "width");
  EXPECT_TRUE(Audit("image.view").empty());

  Reply ok = Call("GET", path + "&purpose=findings%20list", inspector_);
  ASSERT_EQ(ok.status, 200) << ok.raw.body;
  auto small = imaging::DecodeJpeg(ok.raw.body);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->cols, 160);
  EXPECT_EQ(small->rows, 120);
  auto views = Audit("image.view");
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].purpose, "findings list");
  EXPECT_EQ(views[0].details.value("width", 0), 160);
}

TEST_F(PrivacyApiTest, ImageRouteChecksRolesInputAndDeletedImages) {
  store::Observation o = ObservationWithImage();
  const std::string path = "/api/v1/observations/" + o.id + "/image?purpose=check";
  auto [vid, vtoken] = CreateVehicleWithToken();
  EXPECT_EQ(Call("GET", path, vtoken).status, 403);
  EXPECT_EQ(Call("GET", path, "").status, 401);
  EXPECT_EQ(Call("GET", path + "&disposition=bogus", admin_).ErrorField(), "disposition");
  EXPECT_EQ(Call("GET", "/api/v1/observations/nope/image?purpose=check", admin_).status, 404);
  ASSERT_TRUE(store_->MarkBlobDeleted(o.blob_key, kNow, "retention").ok());
  Reply gone = Call("GET", path, admin_);
  EXPECT_EQ(gone.status, 404);
  EXPECT_TRUE(Audit("image.view").empty());
}

TEST_F(PrivacyApiTest, TaskChangesAreInTheAuditTrail) {
  std::string id = CreateActiveTask();
  Json edited = ValidTaskJson();
  edited["retention"]["legal_hold"] = true;
  ASSERT_EQ(Call("PUT", "/api/v1/tasks/" + id, inspector_, edited).status, 200);
  ASSERT_EQ(Call("POST", "/api/v1/tasks/" + id + "/pause", inspector_, "").status, 200);
  ASSERT_EQ(Call("POST", "/api/v1/tasks/" + id + "/cancel", admin_, "").status, 200);
  auto all = store_->ListAudit({}).value();
  std::vector<std::string> actions;
  for (const auto& e : all) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"task.create", "task.activate", "task.update",
                                               "task.pause", "task.cancel"}));
  EXPECT_EQ(all[2].details["legal_hold"], true);
  EXPECT_EQ(all[4].user, "alice");
  EXPECT_EQ(all[4].details["from"], "paused");
  // A refused change is not recorded.
  EXPECT_EQ(Call("POST", "/api/v1/tasks/" + id + "/activate", inspector_, "").status, 412);
  EXPECT_EQ(store_->ListAudit({})->size(), 5u);
}

TEST_F(PrivacyApiTest, AuditListIsForDpoAndAdminWithFilters) {
  store::Observation o = ObservationWithImage();
  ASSERT_EQ(Call("GET", "/api/v1/observations/" + o.id + "/image?purpose=look", inspector_).status,
            200);
  CreateTask();
  EXPECT_EQ(Call("GET", "/api/v1/audit", inspector_).status, 403);
  Reply all = Call("GET", "/api/v1/audit", dpo_);
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(all.json["events"].size(), 2u);
  EXPECT_EQ(all.json["events"][0]["seq"], 1);
  EXPECT_EQ(all.json["events"][0]["prev_hash"], store::kAuditGenesisHash);
  Reply views = Call("GET", "/api/v1/audit?action=image.view", admin_);
  ASSERT_EQ(views.json["events"].size(), 1u);
  EXPECT_EQ(views.json["events"][0]["object_id"], o.id);
  EXPECT_EQ(Call("GET", "/api/v1/audit?from=yesterday", dpo_).ErrorField(), "from");
  EXPECT_EQ(Call("GET", "/api/v1/audit?limit=0", dpo_).ErrorField(), "limit");
  // The newest first: the log's page in the web UI.
  Reply newest = Call("GET", "/api/v1/audit?order=newest&limit=1", dpo_);
  ASSERT_EQ(newest.json["events"].size(), 1u);
  EXPECT_EQ(newest.json["events"][0]["seq"], 2);
  EXPECT_EQ(Call("GET", "/api/v1/audit?order=up", dpo_).ErrorField(), "order");
}

TEST_F(PrivacyApiTest, AuditVerifyReportsAnIntactChain) {
  CreateTask();
  CreateTask();
  EXPECT_EQ(Call("POST", "/api/v1/audit/verify", inspector_, "").status, 403);
  Reply v = Call("POST", "/api/v1/audit/verify", dpo_, "");
  ASSERT_EQ(v.status, 200);
  EXPECT_EQ(v.json["ok"], true);
  EXPECT_EQ(v.json["checked"], 2);
}

TEST_F(PrivacyApiTest, ProcessingRecordIsForDpoAndAdmin) {
  ObservationWithImage();
  EXPECT_EQ(Call("GET", "/api/v1/processing-record", inspector_).status, 403);
  Reply r = Call("GET", "/api/v1/processing-record", dpo_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  ASSERT_EQ(r.json["purposes"].size(), 1u);
  EXPECT_EQ(r.json["purposes"][0]["purpose"], "presence");
  EXPECT_EQ(r.json["purposes"][0]["observations"], 1);
  EXPECT_EQ(r.json["purposes"][0]["images"]["kept"], 1);
  EXPECT_DOUBLE_EQ(r.json["purposes"][0]["retention"]["max_days"].get<double>(), 30.0);
}

TEST_F(PrivacyApiTest, TheDpoStatesTheRecordsFactsInAuditedVersions) {
  Reply before = Call("GET", "/api/v1/processing-record", dpo_);
  ASSERT_EQ(before.status, 200);
  EXPECT_EQ(before.json["facts_version"], 0);
  EXPECT_EQ(before.json["facts"]["controller"], "") << "not stated yet";
  EXPECT_NE(before.json["facts"]["security_measures"], "") << "what the design states";
  EXPECT_EQ(before.json["facts"]["purposes"]["permit_check"]["legal_basis"], "");

  Json facts = {{"controller", "Københavns Kommune, Teknik- og Miljøforvaltningen"},
                {"purposes", {{"presence", {{"legal_basis", "GDPR art. 6(1)(e); vejloven"}}}}}};
  EXPECT_EQ(Call("PUT", "/api/v1/processing-record/facts", inspector_, facts).status, 403);
  Reply put = Call("PUT", "/api/v1/processing-record/facts", dpo_, facts);
  ASSERT_EQ(put.status, 200) << put.raw.body;
  EXPECT_EQ(put.json["facts_version"], 1);
  Reply after = Call("GET", "/api/v1/processing-record", admin_);
  EXPECT_EQ(after.json["facts"]["controller"], facts["controller"]);
  EXPECT_EQ(after.json["facts"]["purposes"]["presence"]["legal_basis"],
            "GDPR art. 6(1)(e); vejloven");
  EXPECT_NE(after.json["facts"]["purposes"]["presence"]["data_subjects"], "") << "defaults kept";
  EXPECT_EQ(after.json["facts_updated_by"], "dora");
  store::AuditFilter f;
  f.action = "record.change";
  ASSERT_EQ(store_->ListAudit(f)->size(), 1u);

  auto field = [&](const Json& body) {
    Reply r = Call("PUT", "/api/v1/processing-record/facts", dpo_, body);
    EXPECT_EQ(r.status, 400) << r.raw.body;
    return r.ErrorField();
  };
  EXPECT_EQ(field(Json{{"controler", "x"}}), "controler");
  EXPECT_EQ(field(Json{{"controller", 5}}), "controller");
  EXPECT_EQ(field(Json{{"purposes", {{"spying", {{"legal_basis", "x"}}}}}}), "purposes.spying");
  EXPECT_EQ(field(Json{{"purposes", {{"count", {{"legal_basis", std::string(4001, 'x')}}}}}}),
            "purposes.count.legal_basis");
  EXPECT_EQ(field(Json::array()), "body");
  EXPECT_EQ(Call("GET", "/api/v1/processing-record", dpo_).json["facts_version"], 1)
      << "nothing written by a refused change";
  // Which facts are still the design's text (a client says them in its reader's language).
  auto defaulted = [](const Json& j) {
    std::set<std::string> out;
    for (const auto& p : j["facts_defaulted"]) out.insert(p.get<std::string>());
    return out;
  };
  const std::set<std::string> was = defaulted(before.json);
  EXPECT_EQ(was.size(), 1u + 2u * 7u);  // security measures; subjects and categories per purpose
  EXPECT_TRUE(was.count("security_measures"));
  EXPECT_TRUE(was.count("purposes.presence.data_subjects"));
  EXPECT_FALSE(was.count("controller")) << "no default text";
  Reply restated = Call("PUT", "/api/v1/processing-record/facts", dpo_,
                        Json{{"security_measures", "Vores egne foranstaltninger"},
                             {"purposes", {{"count", {{"data_subjects", ""}}}}}});
  ASSERT_EQ(restated.status, 200) << restated.raw.body;
  const std::set<std::string> now = defaulted(restated.json);
  EXPECT_FALSE(now.count("security_measures"));
  EXPECT_FALSE(now.count("purposes.count.data_subjects")) << "stated empty is stated";
  EXPECT_TRUE(now.count("purposes.count.data_categories"));
}

class PrivacyApiLocationTest : public PrivacyApiTest {
  void ConfigureContext(ApiContext& c) override {
    c.location_retention_days = 90;
    c.gps_history_days = 180;
  }
};

TEST_F(PrivacyApiLocationTest, TheProcessingRecordStatesHowLongLocationDataIsKept) {
  Reply r = Call("GET", "/api/v1/processing-record", dpo_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["location_data"]["observation_location_days"], 90);
  EXPECT_EQ(r.json["location_data"]["gps_history_days"], 180);
}

}  // namespace
}  // namespace tilsyn::server::testing
