#include "agent/outbox.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_util.h"
#include "core/ids.h"
#include "fakes/test_paths.h"

namespace tilsyn::agent {
namespace {
namespace fs = std::filesystem;

const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "Exif" + "fake-jpeg-payload";
const std::string kKey(32, 'k');

TEST(Outbox, PutReadRoundTripKeepsMetadataAndImage) {
  testing::TempDir dir;
  auto box = Outbox::Open(dir.path(), kKey);
  ASSERT_TRUE(box.ok());
  std::string id = NewUuid();
  ASSERT_TRUE((*box)->Put(id, R"({"id":"x"})", kJpeg).ok());
  EXPECT_TRUE(fs::exists(dir.Sub("outbox/" + id + ".obs")));
  auto e = (*box)->Read(id);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->metadata, R"({"id":"x"})");
  EXPECT_EQ(e->jpeg, kJpeg);
  // Reading does not consume: only Remove (after an ack) does.
  EXPECT_EQ((*box)->Count(), 1u);
  ASSERT_TRUE((*box)->Remove(id).ok());
  EXPECT_EQ((*box)->Count(), 0u);
  EXPECT_EQ((*box)->Read(id).status().code(), Code::kNotFound);
}

TEST(Outbox, FileFormatIsLittleEndianLengthThenMetadataThenJpeg) {
  std::string bytes = Outbox::Encode("{}", "JPG");
  ASSERT_EQ(bytes.size(), 8u + 2 + 3);
  EXPECT_EQ(bytes[0], 2);
  for (int i = 1; i < 8; ++i) EXPECT_EQ(bytes[i], 0);
  EXPECT_EQ(bytes.substr(8), "{}JPG");
}

// Issue 14: observations waiting on a vehicle are encrypted; a stolen disk shows no JPEG marker,
// no EXIF, no metadata.
TEST(Outbox, FilesHoldNoPlaintextAndNeedTheKey) {
  testing::TempDir dir;
  auto box = Outbox::Open(dir.path(), kKey);
  ASSERT_TRUE(box.ok());
  const std::string id = NewUuid();
  const std::string meta = R"({"id":"x","lat":55.6761,"lon":12.5683})";
  ASSERT_TRUE((*box)->Put(id, meta, kJpeg).ok());
  auto bytes = ReadFile(dir.Sub("outbox/" + id + ".obs"));
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->rfind("TLSYNOBX", 0), 0u);
  for (const std::string& plain : {std::string("\xFF\xD8\xFF", 3), std::string("Exif"),
                                   std::string("fake-jpeg"), std::string("55.6761")}) {
    EXPECT_EQ(bytes->find(plain), std::string::npos) << "plaintext in the outbox file";
  }
  // Another key cannot read it; a flipped byte is detected; the id is bound to the file.
  auto other = Outbox::Open(dir.path(), std::string(32, 'o'));
  EXPECT_EQ((*other)->Read(id).status().code(), Code::kInternal);
  std::string flipped = *bytes;
  flipped[flipped.size() - 20] ^= 1;
  EXPECT_EQ((*box)->Unseal(id, flipped).status().code(), Code::kInternal);
  EXPECT_EQ((*box)->Unseal(NewUuid(), *bytes).status().code(), Code::kInternal);
  EXPECT_EQ((*box)->Read(id)->metadata, meta);
  EXPECT_EQ(Outbox::Open(dir.path(), "short").status().field(), "outbox_key");
}

// An outbox written before encryption (plaintext format) is still uploaded after an upgrade.
TEST(Outbox, EarlierPlaintextFilesAreStillRead) {
  testing::TempDir dir;
  ASSERT_TRUE(MakeDirs(dir.Sub("outbox")).ok());
  const std::string id = NewUuid();
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("outbox/" + id + ".obs"), Outbox::Encode("{}", kJpeg)).ok());
  auto box = Outbox::Open(dir.path(), kKey);
  ASSERT_TRUE(box.ok());
  auto e = (*box)->Read(id);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->jpeg, kJpeg);
}

TEST(Outbox, CorruptFileIsReportedNotMisread) {
  EXPECT_EQ(Outbox::Decode("x", "abc").status().code(), Code::kInternal);
  std::string bad = Outbox::Encode("{}", "J");
  bad[0] = 100;  // claims 100 bytes of metadata
  EXPECT_EQ(Outbox::Decode("x", bad).status().code(), Code::kInternal);
}

TEST(Outbox, ListsOldestFirst) {
  testing::TempDir dir;
  auto box = Outbox::Open(dir.path(), kKey);
  std::vector<std::string> ids = {NewUuid(), NewUuid(), NewUuid()};
  auto now = fs::file_time_type::clock::now();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE((*box)->Put(ids[i], "{}", kJpeg).ok());
    // Make the order unambiguous regardless of file-system timestamp resolution.
    fs::last_write_time(dir.Sub("outbox/" + ids[i] + ".obs"), now - std::chrono::seconds(10 - i));
  }
  auto listed = (*box)->List();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, ids);
}

TEST(Outbox, CrashLeftoverTempFilesAreCleanedAtOpenAndNeverListed) {
  testing::TempDir dir;
  ASSERT_TRUE(MakeDirs(dir.Sub("outbox")).ok());
  std::string id = NewUuid();
  // A write interrupted before its rename, and one complete entry.
  ASSERT_TRUE(
      WriteFileAtomic(dir.Sub("outbox/" + NewUuid() + ".obs.tmp-deadbeef"), "partial").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("outbox/" + id + ".obs"), Outbox::Encode("{}", kJpeg)).ok());
  auto box = Outbox::Open(dir.path(), kKey);
  ASSERT_TRUE(box.ok());
  EXPECT_EQ((*box)->cleaned_on_open(), 1);
  auto listed = (*box)->List();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, std::vector<std::string>{id});
  int files = 0;
  for (const auto& de : fs::directory_iterator(dir.Sub("outbox"))) {
    EXPECT_EQ(de.path().filename().string().find(".tmp-"), std::string::npos);
    ++files;
  }
  EXPECT_EQ(files, 1);
  // A temp file appearing later (a write in progress) is not listed either.
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("outbox/" + NewUuid() + ".obs.tmp-0badf00d"), "x").ok());
  EXPECT_EQ((*box)->Count(), 1u);
}

TEST(Outbox, RejectKeepsMetadataAndErrorButDeletesTheImage) {
  testing::TempDir dir;
  auto box = Outbox::Open(dir.path(), kKey);
  std::string id = NewUuid();
  ASSERT_TRUE((*box)->Put(id, R"({"id":"abc","job_id":"j"})", kJpeg).ok());
  Json err = {{"http_status", 412}, {"body", {{"error", {{"field", "position"}}}}}};
  ASSERT_TRUE((*box)->Reject(id, R"({"id":"abc","job_id":"j"})", err).ok());
  EXPECT_EQ((*box)->Count(), 0u);
  EXPECT_FALSE(fs::exists(dir.Sub("outbox/" + id + ".obs")));
  auto text = ReadFile(dir.Sub("rejected/" + id + ".json"));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find("fake-jpeg-payload"), std::string::npos);
  EXPECT_EQ(text->find("\xFF\xD8"), std::string::npos);
  auto j = ParseJson(*text);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["metadata"]["job_id"], "j");
  EXPECT_EQ((*j)["error"]["http_status"], 412);
  EXPECT_EQ((*j)["id"], id);
}

TEST(Outbox, PutRefusesNonUuidIds) {
  testing::TempDir dir;
  auto box = Outbox::Open(dir.path(), kKey);
  EXPECT_EQ((*box)->Put("../../etc/passwd", "{}", kJpeg).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tilsyn::agent
