#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "fakes/test_paths.h"
#include "store/blob_store.h"

namespace tilsyn::store {
namespace {

using ::tilsyn::testing::TempDir;

std::unique_ptr<BlobStore> OpenIn(const std::string& dir) {
  auto s = OpenDirBlobStore(dir);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

TEST(DirBlobStore, PutGetDeleteRoundTrip) {
  TempDir tmp;
  auto store = OpenIn(tmp.Sub("blobs"));
  std::string data("\x00\xff jpeg bytes", 13);
  ASSERT_TRUE(store->Put("obs-1.jpg", data).ok());
  EXPECT_TRUE(store->Exists("obs-1.jpg"));
  auto got = store->Get("obs-1.jpg");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, data);

  ASSERT_TRUE(store->Put("obs-1.jpg", "replaced").ok());
  EXPECT_EQ(store->Get("obs-1.jpg").value(), "replaced");

  ASSERT_TRUE(store->Delete("obs-1.jpg").ok());
  EXPECT_FALSE(store->Exists("obs-1.jpg"));
  EXPECT_EQ(store->Get("obs-1.jpg").status().code(), Code::kNotFound);
  EXPECT_TRUE(store->Delete("obs-1.jpg").ok());  // already absent is fine
}

TEST(DirBlobStore, MissingKeyIsNotFound) {
  TempDir tmp;
  auto store = OpenIn(tmp.path());
  EXPECT_EQ(store->Get("absent").status().code(), Code::kNotFound);
  EXPECT_FALSE(store->Exists("absent"));
}

TEST(DirBlobStore, BadKeysAreRefused) {
  TempDir tmp;
  auto store = OpenIn(tmp.Sub("blobs"));
  const std::vector<std::string> bad = {"",          "..",
                                        "../escape", "a/b",
                                        "a..b",      "/etc/passwd",
                                        "sp ace",    "\xc3\xa4",
                                        "x\n",       std::string("nul\0", 4)};
  for (const std::string& key : bad) {
    EXPECT_EQ(store->Put(key, "x").code(), Code::kInvalidArgument) << key;
    EXPECT_EQ(store->Get(key).status().code(), Code::kInvalidArgument) << key;
    EXPECT_EQ(store->Delete(key).code(), Code::kInvalidArgument) << key;
    EXPECT_FALSE(store->Exists(key)) << key;
  }
  EXPECT_FALSE(std::filesystem::exists(tmp.Sub("escape")));
  EXPECT_TRUE(store->Put("Ok_key-1.2", "x").ok());
}

TEST(DirBlobStore, FilesAreOwnerOnlyAndNoTempFilesRemain) {
  TempDir tmp;
  auto store = OpenIn(tmp.Sub("blobs"));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->Put("k" + std::to_string(i), "data").ok());
  ASSERT_TRUE(store->Delete("k4").ok());
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(tmp.Sub("blobs"))) {
    names.push_back(e.path().filename().string());
    struct stat st {};
    ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << e.path();
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"k0", "k1", "k2", "k3"}));
}

TEST(DirBlobStore, CreatedFolderIsOwnerOnly) {
  TempDir tmp;
  auto store = OpenIn(tmp.Sub("a/b/blobs"));
  struct stat st {};
  ASSERT_EQ(::stat(tmp.Sub("a/b/blobs").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(DirBlobStore, ReopenedStoreSeesEarlierBlobs) {
  TempDir tmp;
  ASSERT_TRUE(OpenIn(tmp.path())->Put("persist", "bytes").ok());
  EXPECT_EQ(OpenIn(tmp.path())->Get("persist").value(), "bytes");
}

TEST(DirBlobStore, PathThatIsAFileIsAnError) {
  TempDir tmp;
  ASSERT_TRUE(OpenIn(tmp.path())->Put("file", "x").ok());
  EXPECT_FALSE(OpenDirBlobStore(tmp.Sub("file")).ok());
}

}  // namespace
}  // namespace tilsyn::store
