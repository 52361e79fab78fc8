#include "imaging/anonymize_command.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_util.h"
#include "fakes/test_paths.h"
#include "imaging/jpeg.h"

namespace tilsyn::imaging {
namespace {

namespace fs = std::filesystem;
const char kMessi[] = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";

TEST(RunAnonymize, FolderInMetadataFreeJpegsOutWithTheSameNames) {
  if (!fs::exists(kMessi)) GTEST_SKIP() << "opencv-doc missing";
  testing::TempDir in, out;
  fs::create_directories(in.Sub("day1"));
  fs::copy_file(kMessi, in.Sub("day1/a.jpg"));
  ASSERT_TRUE(WriteFileAtomic(in.Sub("notes.txt"), "not an image").ok());
  AnonymizeFlags f;
  f.in = in.path();
  f.out = out.Sub("anon");
  f.options.detectors = {"haar-face"};
  f.options.haar_scale_factor = 1.25;
  ::testing::internal::CaptureStdout();
  const int rc = RunAnonymize(f);
  const std::string printed = ::testing::internal::GetCapturedStdout();
  ASSERT_EQ(rc, 0);
  auto bytes = ReadFile(out.Sub("anon/day1/a.jpg"));
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(LooksLikeJpeg(*bytes));
  EXPECT_EQ(bytes->find("Exif"), std::string::npos);
  EXPECT_FALSE(fs::exists(out.Sub("anon/notes.jpg")));
  EXPECT_NE(printed.find("\"face\""), std::string::npos);  // the per-image report
  EXPECT_NE(printed.find("haar-frontalface@opencv"), std::string::npos);
}

TEST(RunAnonymize, BadOptionsAndMissingInputAreUsageErrors) {
  AnonymizeFlags f;
  f.in = "/nonexistent";
  f.out = "/tmp/x.jpg";
  EXPECT_EQ(RunAnonymize(f), 2);
  f.in = kMessi;
  f.options.blur = "smudge";
  EXPECT_EQ(RunAnonymize(f), 2);
}

}  // namespace
}  // namespace tilsyn::imaging
