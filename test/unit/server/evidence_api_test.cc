// The evidence package of a finding (GET /api/v1/assessments/{id}/evidence.zip): a purpose is
// required and the export is audited before anything is gathered; the zip holds the kept image,
// the assessment, observation, runs and audit events, each file under the manifest's SHA-256.
#include <gtest/gtest.h>

#include <sstream>

#include "api_fixture.h"
#include "core/file_util.h"
#include "core/ids.h"
#include "fakes/fake_world.h"
#include "fakes/test_paths.h"
#include "server/evidence_package.h"
#include "server/export_cli.h"

namespace tilsyn::server::testing {
namespace {

class EvidenceApiTest : public ApiTest {
 protected:
  // A kept image of an active task, assessed as a finding with one recognition run.
  std::string SeedFinding() {
    tasks::Task t = ::tilsyn::testing::ActiveTask(kNow);
    ::tilsyn::testing::CreateTaskWithJob(store_.get(), t);
    obs_ = ::tilsyn::testing::InsertObservation(store_.get(), t, "v1", kNow);
    EXPECT_TRUE(blobs_->Put(obs_.blob_key, kImage).ok());
    store::RecognitionRunRecord run;
    run.id = NewUuid();
    run.observation_id = obs_.id;
    run.service = "hog-person";
    run.label = "person";
    run.started_ms = kNow;
    run.finished_ms = kNow + 10;
    run.good_enough = true;
    store::AssessmentRecord a;
    a.id = NewUuid();
    a.observation_id = obs_.id;
    a.task_id = t.id;
    a.outcome = "finding";
    a.reason = "2 persons in a closed area";
    a.counts = {{"person", 2}};
    a.created_ms = kNow;
    EXPECT_TRUE(store_->RecordAssessment(obs_.id, {run}, a, {}).ok());
    return a.id;
  }
  std::vector<store::AuditEvent> Audit(const std::string& action) {
    store::AuditFilter f;
    f.action = action;
    return store_->ListAudit(f).value();
  }
  const std::string kImage = std::string("\xFF\xD8\xFF\xE0", 4) + "anonymized pixels\xFF\xD9";
  store::Observation obs_;
};

TEST_F(EvidenceApiTest, ThePackageHoldsTheFindingUnderItsManifest) {
  const std::string id = SeedFinding();
  // An earlier view of the image belongs to the package's audit trail.
  ASSERT_EQ(
      Call("GET", "/api/v1/observations/" + obs_.id + "/image?purpose=first%20look", inspector_)
          .status,
      200);
  Reply r =
      Call("GET", "/api/v1/assessments/" + id + "/evidence.zip?purpose=case%2042", inspector_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.raw.content_type, "application/zip");

  auto manifest = VerifyEvidencePackage(r.raw.body);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ((*manifest)["assessment_id"], id);
  EXPECT_EQ((*manifest)["exported_by"], "ivan");
  EXPECT_EQ((*manifest)["purpose"], "case 42");
  auto entries = ReadZip(r.raw.body);
  ASSERT_TRUE(entries.ok());
  std::map<std::string, std::string> files;
  for (const ZipEntry& e : *entries) files[e.name] = e.data;
  EXPECT_EQ(files["image.jpg"], kImage);  // the kept (anonymized) bytes, as stored
  auto assessment = ParseJson(files["assessment.json"]);
  ASSERT_TRUE(assessment.ok());
  EXPECT_EQ((*assessment)["outcome"], "finding");
  EXPECT_EQ((*assessment)["reason"], "2 persons in a closed area");
  EXPECT_EQ(ParseJson(files["observation.json"]).value()["id"], obs_.id);
  EXPECT_EQ(ParseJson(files["recognition_runs.json"]).value()[0]["service"], "hog-person");
  const Json audit = ParseJson(files["audit.json"]).value();
  ASSERT_EQ(audit["image"].size(), 1u);
  EXPECT_EQ(audit["image"][0]["action"], "image.view");
  ASSERT_EQ(audit["assessment"].size(), 1u);  // its own export
  EXPECT_EQ(audit["assessment"][0]["action"], "evidence.export");

  auto exports = Audit("evidence.export");
  ASSERT_EQ(exports.size(), 1u);
  EXPECT_EQ(exports[0].object_id, id);
  EXPECT_EQ(exports[0].purpose, "case 42");
  EXPECT_EQ(exports[0].details["observation_id"], obs_.id);
}

TEST_F(EvidenceApiTest, ATamperedFileFailsVerification) {
  const std::string id = SeedFinding();
  Reply r = Call("GET", "/api/v1/assessments/" + id + "/evidence.zip?purpose=court", dpo_);
  ASSERT_EQ(r.status, 200);
  auto entries = ReadZip(r.raw.body).value();
  for (ZipEntry& e : entries) {
    if (e.name == "assessment.json") e.data.replace(e.data.find("finding"), 7, "ok     ");
  }
  const std::string tampered = WriteZip(entries).value();
  EXPECT_EQ(VerifyEvidencePackage(tampered).status().field(), "assessment.json");
  EXPECT_EQ(VerifyEvidencePackage("not a zip").status().field(), "zip");
  entries.pop_back();  // the manifest
  entries.push_back({"manifest.json", "{\"files\": []}"});
  EXPECT_EQ(VerifyEvidencePackage(WriteZip(entries).value()).status().field(), "image.jpg");

  // `tilsyn evidence verify FILE`: 0 intact, 1 tampered, 2 unreadable.
  ::tilsyn::testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("ok.zip"), r.raw.body).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("bad.zip"), tampered).ok());
  std::ostringstream out, err;
  EXPECT_EQ(RunVerifyEvidence(dir.Sub("ok.zip"), out, err), 0) << err.str();
  EXPECT_NE(out.str().find("intact: 5 files"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("purpose: court"), std::string::npos) << out.str();
  EXPECT_EQ(RunVerifyEvidence(dir.Sub("bad.zip"), out, err), 1);
  EXPECT_NE(err.str().find("assessment.json"), std::string::npos) << err.str();
  EXPECT_EQ(RunVerifyEvidence(dir.Sub("missing.zip"), out, err), 2);
}

TEST_F(EvidenceApiTest, PurposeRolesUnknownIdsAndDeletedImagesAreRefusedUnrecorded) {
  const std::string id = SeedFinding();
  const std::string path = "/api/v1/assessments/" + id + "/evidence.zip";
  Reply missing = Call("GET", path, inspector_);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.ErrorField(), "purpose");
  EXPECT_EQ(Call("GET", path + "?purpose=x", inspector_).ErrorField(), "purpose");
  EXPECT_EQ(Call("GET", path + "?purpose=case", "").status, 401);
  auto [vid, vtoken] = CreateVehicleWithToken();
  EXPECT_EQ(Call("GET", path + "?purpose=case", vtoken).status, 403);
  Reply unknown = Call("GET", "/api/v1/assessments/nope/evidence.zip?purpose=case", inspector_);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.ErrorField(), "id");
  ASSERT_TRUE(store_->MarkBlobDeleted(obs_.blob_key, kNow, "retention").ok());
  Reply gone = Call("GET", path + "?purpose=case", inspector_);
  EXPECT_EQ(gone.status, 404) << gone.raw.body;
  EXPECT_EQ(gone.ErrorField(), "id");
  EXPECT_TRUE(Audit("evidence.export").empty()) << "a refused export must not be recorded";
}

}  // namespace
}  // namespace tilsyn::server::testing
