// One test (at least) per privacy invariant of DESIGN.md, each named PrivacyInvariantN_…, each
// able to fail when its invariant is broken (docs/privacy.md maps them). They run the real
// ingest, pipeline, encrypted blob store, agent trigger and outbox, and the `tilsyn` binary.
// Images with faces come from Debian's opencv-doc; tests that need it skip without it. Nothing
// un-anonymized is written to disk: the hook test keeps its images in memory.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "agent/outbox.h"
#include "agent/trigger.h"
#include "core/crypto.h"
#include "core/file_util.h"
#include "core/time_format.h"
#include "fakes/fake_recognizer.h"
#include "fakes/fake_world.h"
#include "fakes/memory_blob_store.h"
#include "fakes/test_paths.h"
#include "fakes/test_store.h"
#include "imaging/anonymizer.h"
#include "imaging/jpeg.h"
#include "net/http_client.h"
#include "net/multipart.h"
#include "pipeline/ingest.h"
#include "pipeline/pipeline.h"
#include "recognition/fallback.h"
#include "server/app.h"
#include "store/audit_chain.h"
#include "store/encrypted_blob_store.h"
#include "store/sql/pg_db.h"
#include "store/sql/sqlite_db.h"

namespace tilsyn {
namespace {

namespace fs = std::filesystem;
using ::tilsyn::testing::FakeRecognizer;

constexpr const char* kMessi = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";
constexpr const char* kFaceCascade =
    "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
const std::string kKeyHex(64, '5');

size_t CountFaces(const std::string& jpeg) {
  cv::CascadeClassifier faces(kFaceCascade);
  cv::Mat bgr = *imaging::DecodeJpeg(jpeg), gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::equalizeHist(gray, gray);
  std::vector<cv::Rect> found;
  faces.detectMultiScale(gray, found, 1.1, 5, 0, cv::Size(16, 16));
  return found.size();
}

std::string SyntheticJpeg() {
  cv::Mat img(120, 160, CV_8UC3, cv::Scalar(60, 130, 90));
  cv::circle(img, {80, 60}, 30, cv::Scalar(10, 200, 240), cv::FILLED);
  return *imaging::EncodeJpeg(img);
}

// Every regular file under `dir` whose bytes contain `needle`.
std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    auto bytes = ReadFile(e.path().string());
    if (bytes.ok() && bytes->find(needle) != std::string::npos) out.push_back(e.path().string());
  }
  return out;
}

// The store, the encrypted image folder and ingest of a server, in a temp data dir.
class PrivacyWorld : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kFaceCascade)) GTEST_SKIP() << "opencv-data cascades are not installed";
    ASSERT_TRUE(MakeDirs(dir_.Sub("data")).ok());
    auto s = ::tilsyn::testing::OpenTestStore(dir_.Sub("data"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    auto files = store::OpenDirBlobStore(dir_.Sub("data/images"));
    ASSERT_TRUE(files.ok());
    blobs_ = store::NewEncryptedBlobStore(std::move(*files),
                                          *store::ImageKeyring::Single(kKeyHex, "k1"));
    task_ = ::tilsyn::testing::ActiveTask(clock_.NowMs());
    ::tilsyn::testing::CreateTaskWithJob(store_.get(), task_);
    vehicle_ = ::tilsyn::testing::MakeVehicle(store_.get(), clock_.NowMs());
    ingest_ = MakeIngest(blobs_.get());
  }

  std::unique_ptr<pipeline::Ingest> MakeIngest(store::BlobStore* blobs) {
    return std::make_unique<pipeline::Ingest>(
        store_.get(), blobs, [] { return imaging::NewCascadeAnonymizer({}); }, &clock_);
  }
  std::unique_ptr<pipeline::Pipeline> MakePipeline(recognition::Recognizer* r) {
    if (!dispatcher_) {
      dispatcher_ = std::make_unique<actions::Dispatcher>(store_.get(), &clock_,
                                                          actions::DispatcherOptions{});
      dispatcher_->Register("log", actions::NewLogAction());
    }
    return std::make_unique<pipeline::Pipeline>(store_.get(), blobs_.get(), r, dispatcher_.get(),
                                                &clock_, pipeline::PipelineOptions{});
  }

  Json Metadata(const tasks::Task& task, geo::LatLon at = ::tilsyn::testing::kSite) {
    return {{"id", NewUuid()},
            {"job_id", task.id},
            {"captured_at", FormatIso8601(clock_.NowMs() - 1000)},
            {"lat", at.lat},
            {"lon", at.lon}};
  }
  store::Observation Upload(const std::string& jpeg) {
    auto r = ingest_->Accept(vehicle_.id, Metadata(task_), jpeg);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->observation : store::Observation{};
  }

  ::tilsyn::testing::TempDir dir_;
  FakeClock clock_{1'700'000'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::BlobStore> blobs_;
  tasks::Task task_;
  store::Vehicle vehicle_;
  std::unique_ptr<pipeline::Ingest> ingest_;
  std::unique_ptr<actions::Dispatcher> dispatcher_;
};

// ---------------------------------------------------------------- invariant 1

TEST(PrivacyInvariants, PrivacyInvariant1_AgentOffersCapturesOnlyInsideAnActiveJobsFence) {
  tasks::CaptureJob job;
  job.id = job.task_id = "job-1";
  job.active = true;
  job.area = geo::Geofence::Circle(::tilsyn::testing::kSite, 30);
  job.schedule.valid_from = 0;
  job.schedule.valid_to = 4'000'000'000'000;
  agent::Trigger trigger;
  int captures = 0, outside_offers = 0;
  // Drive straight through the fence, 5 m per second, from 100 m before to 100 m after.
  for (int i = 0; i <= 40; ++i) {
    agent::GpsFix f;
    f.pos = geo::Offset(geo::Offset(::tilsyn::testing::kSite, 270, 100), 90, 5.0 * i);
    f.time = 1'700'000'000'000 + i * 1000;
    f.speed_kmh = 18;
    f.heading_deg = 90;
    if (trigger.Update(job, f)) {
      ++captures;
      if (!job.area.Contains(f.pos)) ++outside_offers;
      trigger.MarkCaptured(job.id, f.time);
    }
  }
  EXPECT_EQ(captures, 1);
  EXPECT_EQ(outside_offers, 0);
  // An inactive job never captures.
  job.active = false;
  agent::Trigger idle;
  agent::GpsFix inside;
  inside.pos = ::tilsyn::testing::kSite;
  inside.time = 1'700'000'000'000;
  inside.speed_kmh = 18;
  EXPECT_FALSE(idle.Update(job, inside));
}

TEST_F(PrivacyWorld, PrivacyInvariant1_ServerRefusesAndRecordsACaptureOutsideTheFence) {
  const geo::LatLon far = geo::Offset(::tilsyn::testing::kSite, 0, 500);
  Json md = Metadata(task_, far);
  auto r = ingest_->Accept(vehicle_.id, md, SyntheticJpeg());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
  EXPECT_FALSE(store_->GetObservation(md["id"]).ok());
  EXPECT_TRUE(blobs_->Keys()->empty());
  auto rec = store_->ProcessingRecord();
  ASSERT_TRUE(rec.ok());
  ASSERT_EQ(rec->size(), 1u);
  int64_t refused = 0;
  for (const auto& [what, n] : (*rec)[0].refusals) refused += n;
  EXPECT_EQ(refused, 1);
}

// ---------------------------------------------------------------- invariant 2

TEST_F(PrivacyWorld, PrivacyInvariant2_ServerAnonymizesAgainBeforeStoring) {
  if (!fs::exists(kMessi)) GTEST_SKIP() << "opencv-doc is not installed";
  std::string raw = *ReadFile(kMessi);
  ASSERT_GE(CountFaces(raw), 1u) << "the fixture must show a detectable face";
  store::Observation obs = Upload(raw);  // as if the vehicle had missed the face
  auto stored = blobs_->Get(obs.blob_key);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(CountFaces(*stored), 0u) << "a face reached the image store";
}

TEST_F(PrivacyWorld, PrivacyInvariant2_TheTestAboveFailsWhenServerAnonymizationIsSkipped) {
  if (!fs::exists(kMessi)) GTEST_SKIP() << "opencv-doc is not installed";
  // In memory only: this image keeps its face on purpose.
  ::tilsyn::testing::MemoryBlobStore memory;
  auto ingest = MakeIngest(&memory);
  ingest->SkipServerAnonymizationForTest(true);
  auto r = ingest->Accept(vehicle_.id, Metadata(task_), *ReadFile(kMessi));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(CountFaces(*memory.Get(r->observation.blob_key)), 1u)
      << "the face check cannot see faces, so the invariant-2 test proves nothing";
}

// With the pass in the worker (the serve default) an upload waits encrypted in the quarantine:
// nothing recognises it before the server's pass — not even a worker that cannot anonymize — and
// once the pass has run, no stored blob holds a face or the upload's bytes. (In memory: this
// upload keeps its face on purpose until the pass.) The endpoints' side is
// ObservationsApiQuarantine.
TEST_F(PrivacyWorld, PrivacyInvariant2_AQuarantinedUploadIsReplacedByTheServersPassAndGone) {
  if (!fs::exists(kMessi)) GTEST_SKIP() << "opencv-doc is not installed";
  const std::string raw = *ReadFile(kMessi);
  auto memory_owned = std::make_unique<::tilsyn::testing::MemoryBlobStore>();
  ::tilsyn::testing::MemoryBlobStore* memory = memory_owned.get();
  std::unique_ptr<store::BlobStore> blobs = store::NewEncryptedBlobStore(
      std::move(memory_owned), *store::ImageKeyring::Single(kKeyHex, "k1"));
  pipeline::IngestOptions in_worker;
  in_worker.anonymize_in_worker = true;
  pipeline::Ingest ingest(
      store_.get(), blobs.get(), [] { return imaging::NewCascadeAnonymizer({}); }, &clock_,
      in_worker);
  auto r = ingest.Accept(vehicle_.id, Metadata(task_), raw);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string id = r->observation.id;
  EXPECT_EQ(r->observation.state, store::ObservationState::kReceived);
  const std::vector<std::string> quarantined = *memory->Keys();
  for (const std::string& key : quarantined) {
    EXPECT_EQ(memory->Get(key)->find(raw.substr(1000, 64)), std::string::npos)
        << "the quarantine is not encrypted";
  }

  FakeRecognizer recognizer("local-fake");
  recognizer.ThenDetect({}, true);  // nobody there: a finding, so the image is kept
  pipeline::Pipeline without(store_.get(), blobs.get(), &recognizer, nullptr, &clock_, {});
  ASSERT_TRUE(without.RunOnce().ok());
  EXPECT_EQ(recognizer.calls(), 0) << "recognised before the server's anonymization pass";
  EXPECT_EQ(store_->GetObservation(id)->state, store::ObservationState::kReceived);

  clock_.Advance(60'000);  // past the retry delay
  pipeline::Pipeline with(store_.get(), blobs.get(), &recognizer, nullptr, &clock_, {});
  with.UseServerAnonymizer([] { return imaging::NewCascadeAnonymizer({}); });
  ASSERT_TRUE(with.RunOnce().ok());
  store::Observation obs = *store_->GetObservation(id);
  EXPECT_EQ(obs.state, store::ObservationState::kDone);
  EXPECT_EQ(recognizer.calls(), 1);
  const std::vector<std::string> kept_keys = *memory->Keys();
  ASSERT_FALSE(kept_keys.empty()) << "a finding keeps its image";
  for (const std::string& key : kept_keys) {
    Result<std::string> kept = blobs->Get(key);
    ASSERT_TRUE(kept.ok()) << kept.status().ToString();
    EXPECT_NE(*kept, raw) << "the upload's bytes are still stored";
    EXPECT_EQ(CountFaces(*kept), 0u) << "a face outlived the server's pass";
    EXPECT_EQ(Sha256Hex(*kept), obs.image_sha256);
  }
}

// JPEG segments before the scan: (marker, payload).
std::vector<std::pair<int, std::string>> Segments(const std::string& jpeg) {
  std::vector<std::pair<int, std::string>> out;
  size_t p = 2;
  while (p + 4 <= jpeg.size() && static_cast<unsigned char>(jpeg[p]) == 0xFF) {
    const int marker = static_cast<unsigned char>(jpeg[p + 1]);
    const size_t len =
        (static_cast<unsigned char>(jpeg[p + 2]) << 8) | static_cast<unsigned char>(jpeg[p + 3]);
    out.emplace_back(marker, jpeg.substr(p + 4, len - 2));
    if (marker == 0xDA) break;  // start of scan
    p += 2 + len;
  }
  return out;
}

std::string Segment(int marker, const std::string& payload) {
  const size_t len = payload.size() + 2;
  return std::string{'\xFF', static_cast<char>(marker), static_cast<char>(len >> 8),
                     static_cast<char>(len & 0xFF)} +
         payload;
}

// Little-endian TIFF helpers for a hand-made Exif block.
std::string U16(int v) { return {static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF)}; }
std::string U32(uint32_t v) { return U16(v & 0xFFFF) + U16(v >> 16); }
std::string Entry(int tag, int type, uint32_t count, uint32_t value) {
  return U16(tag) + U16(type) + U32(count) + U32(value);
}

// APP1 "Exif": IFD0 (Make, GPS IFD pointer) → GPS IFD (N 55°40', E 12°34') and IFD1 with an
// embedded JPEG thumbnail.
std::string ExifWithGpsAndThumbnail(const std::string& thumbnail) {
  // Offsets are from the TIFF header start.
  const uint32_t ifd0 = 8, ifd0_size = 2 + 2 * 12 + 4;         // 2 entries
  const uint32_t make = ifd0 + ifd0_size;                      // "SpyCam\0\0"
  const uint32_t gps = make + 8, gps_size = 2 + 4 * 12 + 4;    // 4 entries
  const uint32_t lat = gps + gps_size, lon = lat + 24;         // 3 rationals each
  const uint32_t ifd1 = lon + 24, ifd1_size = 2 + 2 * 12 + 4;  // 2 entries
  const uint32_t thumb = ifd1 + ifd1_size;
  std::string t = "II" + U16(42) + U32(ifd0);
  t += U16(2) + Entry(0x010F, 2, 7, make) + Entry(0x8825, 4, 1, gps) + U32(ifd1);
  t += std::string("SpyCam\0\0", 8);
  t += U16(4) + Entry(0x0001, 2, 2, 'N') + Entry(0x0002, 5, 3, lat) + Entry(0x0003, 2, 2, 'E') +
       Entry(0x0004, 5, 3, lon) + U32(0);
  t += U32(55) + U32(1) + U32(40) + U32(1) + U32(3036) + U32(100);  // 55°40'30.36"
  t += U32(12) + U32(1) + U32(34) + U32(1) + U32(599) + U32(100);   // 12°34'5.99"
  t += U16(2) + Entry(0x0201, 4, 1, thumb) + Entry(0x0202, 4, 1, thumbnail.size()) + U32(0);
  t += thumbnail;
  return Segment(0xE1, std::string("Exif\0\0", 6) + t);
}

TEST_F(PrivacyWorld, PrivacyInvariant2_GpsExifXmpIptcIccAndThumbnailAreStripped) {
  cv::Mat small(16, 16, CV_8UC3, cv::Scalar(0, 0, 255));
  const std::string thumbnail = *imaging::EncodeJpeg(small);
  const std::string xmp =
      Segment(0xE1, std::string("http://ns.adobe.com/xap/1.0/\0", 29) +
                        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description "
                        "exif:GPSLatitude=\"55,40.506N\" xmp:CreatorTool=\"SpyCam\"/></rdf:RDF>"
                        "</x:xmpmeta>");
  const std::string iptc =
      Segment(0xED, std::string("Photoshop 3.0\0", 14) + "8BIM\x04\x04" + std::string(6, '\0'));
  const std::string icc = Segment(0xE2, std::string("ICC_PROFILE\0\x01\x01", 14) + "SpyCamICC");
  const std::string base = SyntheticJpeg();
  // SOI, then our segments, then the rest of the encoder's JPEG (its APP0 and tables).
  const std::string with_metadata =
      base.substr(0, 2) + ExifWithGpsAndThumbnail(thumbnail) + xmp + iptc + icc + base.substr(2);

  // The fixture really carries what we strip (a self-check of the builder) and still decodes.
  int app1 = 0;
  for (const auto& [m, payload] : Segments(with_metadata)) app1 += m == 0xE1;
  ASSERT_EQ(app1, 2);
  ASSERT_TRUE(imaging::DecodeJpeg(with_metadata).ok());

  store::Observation obs = Upload(with_metadata);
  auto stored = blobs_->Get(obs.blob_key);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  for (const auto& [marker, payload] : Segments(*stored)) {
    EXPECT_NE(marker, 0xE1) << "APP1 (Exif/XMP) survived";
    EXPECT_NE(marker, 0xE2) << "APP2 (ICC) survived";
    EXPECT_NE(marker, 0xED) << "APP13 (IPTC) survived";
  }
  for (const char* needle :
       {"Exif", "http://ns.adobe.com/xap", "SpyCam", "Photoshop", "ICC_PROFILE"}) {
    EXPECT_EQ(stored->find(needle), std::string::npos) << needle;
  }
  // One SOI only: the embedded thumbnail is gone.
  EXPECT_EQ(stored->find("\xFF\xD8", 2), std::string::npos);
}

// ---------------------------------------------------------------- invariant 3

// An external service that keeps (in memory) every image it is sent.
class RecordingService : public FakeRecognizer {
 public:
  RecordingService()
      : FakeRecognizer("vendor-cloud", {"person"}, recognition::DataTerms::kExternal) {}
  Result<recognition::Recognition> Recognize(const cv::Mat& bgr,
                                             const recognition::RecognizeRequest& req) override {
    seen.push_back(*imaging::EncodeJpeg(bgr));
    return FakeRecognizer::Recognize(bgr, req);
  }
  std::vector<std::string> seen;
};

TEST_F(PrivacyWorld, PrivacyInvariant3_ExternalServicesSeeOnlyAnonymizedImagesAndOnlyIfAllowed) {
  if (!fs::exists(kMessi)) GTEST_SKIP() << "opencv-doc is not installed";
  auto vendor = std::make_shared<RecordingService>();
  auto local = std::make_shared<FakeRecognizer>("local");
  vendor->ThenPerson(-1).ThenPerson(-1);
  local->ThenPerson(-1).ThenPerson(-1);
  auto chain = recognition::NewFallbackRecognizer("chain", {vendor, local}, &clock_);
  auto pipe = MakePipeline(chain.get());

  // The task's data class is internal: the external service is never asked.
  store::Observation internal_obs = Upload(*ReadFile(kMessi));
  ASSERT_TRUE(pipe->Process(internal_obs.id).ok());
  EXPECT_EQ(vendor->calls(), 0);
  EXPECT_EQ(local->calls(), 1);

  // A task whose terms allow external services: the vendor sees the image, anonymized.
  tasks::Task open_task = ::tilsyn::testing::ActiveTask(clock_.NowMs());
  open_task.data_class = "external";
  ::tilsyn::testing::CreateTaskWithJob(store_.get(), open_task);
  auto r = ingest_->Accept(vehicle_.id, Metadata(open_task), *ReadFile(kMessi));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(pipe->Process(r->observation.id).ok());
  ASSERT_EQ(vendor->seen.size(), 1u);
  EXPECT_EQ(CountFaces(vendor->seen[0]), 0u) << "an external service received a face";
}

// ---------------------------------------------------------------- invariant 4

TEST_F(PrivacyWorld, PrivacyInvariant4_EveryImageHasADeadlineAndNoFindingIsDeletedWithItsBytes) {
  FakeRecognizer person("local");
  person.ThenPerson(0.9);  // presence task, the person is there: ok, no finding
  const std::string jpeg = SyntheticJpeg();
  store::Observation obs = Upload(jpeg);
  auto blob = store_->GetBlob(obs.blob_key);
  ASSERT_TRUE(blob.ok());
  ASSERT_TRUE(blob->delete_after_ms.has_value()) << "a stored image without a deadline";
  const std::string on_disk = *ReadFile(dir_.Sub("data/images/" + obs.blob_key));

  ASSERT_TRUE(MakePipeline(&person)->Process(obs.id).ok());
  blob = store_->GetBlob(obs.blob_key);
  ASSERT_TRUE(blob->deleted_ms.has_value());
  EXPECT_EQ(blob->deleted_reason, "no_finding");
  EXPECT_FALSE(blobs_->Exists(obs.blob_key));
  // No copy anywhere under the data dir: not the stored (encrypted) bytes, not the JPEG.
  EXPECT_TRUE(FilesContaining(dir_.Sub("data"), on_disk.substr(40, 64)).empty());
  EXPECT_TRUE(FilesContaining(dir_.Sub("data"), jpeg.substr(jpeg.size() / 2, 64)).empty());
  EXPECT_TRUE(FilesContaining(dir_.path(), "TLSYNENC").empty());
  // And the deletion is recorded for the DPO.
  store::AuditFilter f;
  f.action = "image.delete";
  auto deletions = store_->ListAudit(f).value();
  ASSERT_EQ(deletions.size(), 1u);
  EXPECT_EQ(deletions[0].user, "system");
  EXPECT_EQ(deletions[0].object_id, obs.id);
}

TEST_F(PrivacyWorld, PrivacyInvariant4_SweeperDeletesOnTimeAndLegalHoldStopsIt) {
  FakeRecognizer nobody("local");
  nobody.ThenPerson(-1);  // nobody there: a finding, kept for evidence_days
  tasks::Task held = ::tilsyn::testing::ActiveTask(clock_.NowMs());
  held.retention.legal_hold = true;
  ::tilsyn::testing::CreateTaskWithJob(store_.get(), held);
  store::Observation kept = Upload(SyntheticJpeg());
  auto held_obs = ingest_->Accept(vehicle_.id, Metadata(held), SyntheticJpeg());
  ASSERT_TRUE(held_obs.ok());
  auto pipe = MakePipeline(&nobody);
  ASSERT_TRUE(pipe->Process(kept.id).ok());
  ASSERT_TRUE(pipe->Process(held_obs->observation.id).ok());
  const TimeMs deadline = *store_->GetBlob(kept.blob_key)->delete_after_ms;

  clock_.Set(deadline - 1);
  EXPECT_EQ(*pipe->SweepRetention(), 0);
  EXPECT_TRUE(blobs_->Exists(kept.blob_key));
  clock_.Set(deadline);
  EXPECT_EQ(*pipe->SweepRetention(), 1);
  EXPECT_FALSE(blobs_->Exists(kept.blob_key));
  EXPECT_EQ(store_->GetBlob(kept.blob_key)->deleted_reason, "retention");
  // Legal hold: long past its deadline, still there.
  clock_.Set(deadline + 365LL * 86'400'000);
  EXPECT_EQ(*pipe->SweepRetention(), 0);
  EXPECT_TRUE(blobs_->Exists(held_obs->observation.blob_key));
  EXPECT_EQ(FilesContaining(dir_.Sub("data/images"), "TLSYNENC").size(), 1u);
}

TEST(PrivacyInvariants, PrivacyInvariant4_AgentOutboxKeepsNoCopyAfterTheAck) {
  ::tilsyn::testing::TempDir dir;
  auto outbox = agent::Outbox::Open(dir.path(), std::string(32, 'k'));
  ASSERT_TRUE(outbox.ok()) << outbox.status().ToString();
  const std::string jpeg = SyntheticJpeg();
  const std::string id = NewUuid();
  ASSERT_TRUE((*outbox)->Put(id, Json{{"id", id}}.dump(), jpeg).ok());
  // Waiting, it is in the outbox (encrypted: no image bytes in any file), and readable with the
  // key.
  ASSERT_EQ((*outbox)->Read(id)->jpeg, jpeg);
  EXPECT_TRUE(FilesContaining(dir.path(), jpeg.substr(jpeg.size() / 2, 64)).empty());
  const std::string sealed = ReadFile(dir.Sub("outbox/" + id + ".obs")).value_or("");
  ASSERT_FALSE(sealed.empty());
  ASSERT_TRUE((*outbox)->Remove(id).ok());  // the server acknowledged the upload
  EXPECT_TRUE(FilesContaining(dir.path(), sealed.substr(sealed.size() / 2, 64)).empty());
}

// ---------------------------------------------------------------- invariant 5

struct CommandResult {
  int exit_code = -1;
  std::string out;
};
CommandResult RunTilsyn(const std::string& args) {
  std::string cmd = ::tilsyn::testing::BinDir() + "/tilsyn " + args + " 2>&1";
  CommandResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST_F(PrivacyWorld, PrivacyInvariant5_AuditVerifyCommandDetectsATamperedRow) {
  // Real events: three no-finding deletions by the pipeline (user "system").
  FakeRecognizer person("local");
  person.ThenPerson(0.9).ThenPerson(0.9).ThenPerson(0.9);
  auto pipe = MakePipeline(&person);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pipe->Process(Upload(SyntheticJpeg()).id).ok());
  ASSERT_EQ(store_->ListAudit({})->size(), 3u);
  const std::string data = dir_.Sub("data");
  const std::string where = ::tilsyn::testing::TestStoreIsPostgres()
                                ? "--database '" + ::tilsyn::testing::TestStoreLocation(data) + "'"
                                : "--data-dir " + data;

  CommandResult ok = RunTilsyn("audit verify " + where);
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_NE(ok.out.find("ok: 3 entries"), std::string::npos) << ok.out;

  // Someone with the database's owner rights edits the trail behind the server's back.
  if (::tilsyn::testing::TestStoreIsPostgres()) {
    auto db = store::sql::PgDb::Connect(::tilsyn::testing::TestStoreLocation(data));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)
                    ->Exec("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update;"
                           "UPDATE audit_events SET \"user\" = 'inspector-x' WHERE seq = 2")
                    .ok());
  } else {
    auto db = store::sql::SqliteDb::Open(data + "/tilsyn.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->Exec("DROP TRIGGER audit_events_no_update;"
                           "UPDATE audit_events SET user = 'inspector-x' WHERE seq = 2")
                    .ok());
  }
  CommandResult broken = RunTilsyn("audit verify " + where);
  EXPECT_EQ(broken.exit_code, 1) << broken.out;
  EXPECT_NE(broken.out.find("BROKEN at seq 2"), std::string::npos) << broken.out;
  CommandResult json = RunTilsyn("audit verify --json " + where);
  EXPECT_EQ(Json::parse(json.out, nullptr, false).value("first_bad_seq", 0), 2) << json.out;
}

// ---------------------------------------------------------------- invariant 6

TEST(PrivacyInvariants, PrivacyInvariant6_TheServerRefusesToStartWithoutAnImageKey) {
  ::tilsyn::testing::TempDir dir;
  server::ServerConfig cfg;
  cfg.port = 0;
  cfg.data_dir = dir.Sub("data");
  auto app = server::StartApp(cfg, SystemClock::Get());
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.status().field(), "image_key");
  EXPECT_FALSE(fs::exists(dir.Sub("data/images"))) << "nothing may be set up without a key";
}

TEST(PrivacyInvariants, PrivacyInvariant6_UploadedImagesAreEncryptedOnDisk) {
  if (!fs::exists(kFaceCascade)) GTEST_SKIP() << "opencv-data cascades are not installed";
  ::tilsyn::testing::TempDir dir;
  server::ServerConfig cfg;
  cfg.port = 0;
  cfg.data_dir = dir.Sub("data");
  cfg.image_key = kKeyHex;
  cfg.run_pipeline = false;  // the quarantine first, then one pass by hand
  auto app = server::StartApp(cfg, SystemClock::Get());
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  auto admin = server::IssueToken((*app)->store(), "admin", "root", SystemClock::Get());
  const TimeMs now = SystemClock::Get()->NowMs();
  tasks::Task task = ::tilsyn::testing::ActiveTask(now);
  ::tilsyn::testing::CreateTaskWithJob((*app)->store(), task);
  store::Vehicle v = ::tilsyn::testing::MakeVehicle((*app)->store(), now);
  auto vtoken = server::IssueToken((*app)->store(), "vehicle", v.id, SystemClock::Get());
  ASSERT_TRUE(admin.ok() && vtoken.ok());

  const std::string jpeg = SyntheticJpeg();
  Json meta = {{"id", NewUuid()},
               {"job_id", task.id},
               {"captured_at", FormatIso8601(now - 1000)},
               {"lat", ::tilsyn::testing::kSite.lat},
               {"lon", ::tilsyn::testing::kSite.lon}};
  net::ClientRequest up;
  up.method = "POST";
  up.url = (*app)->base_url() + "/api/v1/observations";
  up.headers = {{"Authorization", "Bearer " + *vtoken},
                {"Content-Type", "multipart/form-data; boundary=B0undary"}};
  up.body = net::BuildMultipart(
      {{"metadata", "", "application/json", meta.dump()}, {"image", "o.jpg", "image/jpeg", jpeg}},
      "B0undary");
  auto res = net::Fetch(up);
  ASSERT_TRUE(res.ok());
  ASSERT_EQ(res->status, 201) << res->body;

  // On disk: our header, no JPEG signature, no plaintext.
  const std::string file = dir.Sub("data/images/" + meta["id"].get<std::string>() + ".jpg");
  auto on_disk = ReadFile(file);
  ASSERT_TRUE(on_disk.ok()) << on_disk.status().ToString();
  EXPECT_EQ(on_disk->rfind("TLSYNENC", 0), 0u);
  EXPECT_EQ(on_disk->find("\xFF\xD8\xFF"), std::string::npos) << "a JPEG lies on disk";
  EXPECT_EQ(on_disk->find("JFIF"), std::string::npos);
  // The key is not in the database.
  EXPECT_TRUE(FilesContaining(dir.Sub("data"), kKeyHex).empty());
  EXPECT_TRUE(FilesContaining(dir.Sub("data"), *store::DecodeImageKey(kKeyHex, "k")).empty());

  // That was the upload in the quarantine; after the server's pass (no person on it: a
  // finding, kept) the replaced image is encrypted too.
  ASSERT_TRUE((*app)->RunPipelineOnceForTest().ok());
  on_disk = ReadFile(file);
  ASSERT_TRUE(on_disk.ok()) << on_disk.status().ToString();
  EXPECT_EQ(on_disk->rfind("TLSYNENC", 0), 0u);
  EXPECT_EQ(on_disk->find("\xFF\xD8\xFF"), std::string::npos) << "a JPEG lies on disk";

  // Through the API (audited), the decrypted image comes back.
  net::ClientRequest get;
  get.url = (*app)->base_url() + "/api/v1/observations/" + meta["id"].get<std::string>() +
            "/image?purpose=test";
  get.headers = {{"Authorization", "Bearer " + *admin}};
  auto img = net::Fetch(get);
  ASSERT_TRUE(img.ok());
  ASSERT_EQ(img->status, 200) << img->body;
  EXPECT_TRUE(imaging::LooksLikeJpeg(img->body));
  (*app)->Stop();
}

}  // namespace
}  // namespace tilsyn
