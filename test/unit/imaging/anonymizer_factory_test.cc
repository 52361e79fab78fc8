#include <gtest/gtest.h>

#include <algorithm>
#include <opencv2/core.hpp>

#include "imaging/anonymizer.h"

namespace tilsyn::imaging {
namespace {

bool RanDetector(const AnonymizationReport& r, const std::string& prefix) {
  for (const std::string& d : r.detectors) {
    if (d.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

TEST(AnonymizerFactory, EmptyMeansTheProjectsPrivacyModel) {
  ASSERT_FALSE(FindDefaultModelPack().empty()) << "models/manifest.json is part of the repository";
  auto f = MakeAnonymizerFactory("/usr/share/opencv4/haarcascades", {});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto a = (*f)();
  ASSERT_TRUE(a.ok());
  cv::Mat img(240, 320, CV_8UC3, cv::Scalar(100, 110, 120));
  auto r = (*a)->Anonymize(img);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->detectors.size(), 1u) << Json(r->detectors).dump();
  EXPECT_TRUE(RanDetector(*r, "privacy@")) << Json(r->detectors).dump();
}

TEST(AnonymizerFactory, ListedDetectorsBuildTheEnsemble) {
  auto f = MakeAnonymizerFactory("/usr/share/opencv4/haarcascades", {"hog-person"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto a = (*f)();
  ASSERT_TRUE(a.ok());
  cv::Mat img(240, 320, CV_8UC3, cv::Scalar(100, 110, 120));
  auto r = (*a)->Anonymize(img);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->detectors.size(), 1u) << Json(r->detectors).dump();
  EXPECT_TRUE(RanDetector(*r, "hog-person"));
}

TEST(AnonymizerFactory, UnknownDetectorFailsAtStartUpNamingTheSetting) {
  auto f = MakeAnonymizerFactory("/usr/share/opencv4/haarcascades", {"hog-person", "x-ray"});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(f.status().field(), "anonymizer_detectors[1]");
}

TEST(AnonymizerFactory, UnknownPersonModeFailsAtStartUpNamingTheSetting) {
  auto f = MakeAnonymizerFactory("/usr/share/opencv4/haarcascades", {}, "body");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(f.status().field(), "anonymizer_person_mode");
}

}  // namespace
}  // namespace tilsyn::imaging

#include <opencv2/imgcodecs.hpp>

#include "core/file_util.h"
#include "fakes/test_paths.h"

namespace tilsyn::imaging {
namespace {

TEST(AnonymizerFactory, DefaultPackRunsTheProjectsPrivacyModel) {
  ASSERT_FALSE(FindDefaultModelPack().empty()) << "models/manifest.json is part of the repository";
  cv::Mat img = cv::imread("/usr/share/doc/opencv-doc/examples/data/messi5.jpg");
  if (img.empty()) GTEST_SKIP() << "opencv-doc not installed";
  auto f = MakeAnonymizerFactory("/usr/share/opencv4/haarcascades", {"default-pack"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto a = (*f)();
  ASSERT_TRUE(a.ok());
  auto r = (*a)->Anonymize(img);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->detectors.size(), 1u) << Json(r->detectors).dump();
  EXPECT_NE(r->detectors[0].find("privacy"), std::string::npos) << r->detectors[0];
  EXPECT_GE(r->counts["face"], 1) << r->ToJson().dump();
}

TEST(AnonymizerFactory, ModelDirFromTheEnvironmentComesFirst) {
  const std::string repo_pack = FindDefaultModelPack();
  ASSERT_FALSE(repo_pack.empty());
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("manifest.json"), R"({"models": []})").ok());
  ::setenv("TILSYN_MODEL_DIR", dir.path().c_str(), 1);
  EXPECT_EQ(FindDefaultModelPack(), dir.path());
  ::setenv("TILSYN_MODEL_DIR", dir.Sub("nothing-here").c_str(), 1);
  EXPECT_EQ(FindDefaultModelPack(), repo_pack);  // no manifest there: the usual places
  ::unsetenv("TILSYN_MODEL_DIR");
}

// The default anonymizer (our privacy model, whole frame + 2x2 tiles) on a real photograph of a
// car: its motion-blurred licence plate, at about (261,240)-(347,306), ends up blurred.
TEST(AnonymizerFactory, DefaultAnonymizerBlursTheRealCarsPlate) {
  cv::Mat img = cv::imread("/usr/share/doc/opencv-doc/examples/data/licenseplate_motion.jpg");
  if (img.empty()) GTEST_SKIP() << "opencv-doc not installed";
  auto f = MakeAnonymizerFactory("/usr/share/opencv4/haarcascades", {});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto a = (*f)();
  ASSERT_TRUE(a.ok());
  const cv::Rect plate(261, 240, 86, 66);
  const cv::Mat before = img(plate).clone();
  auto r = (*a)->Anonymize(img);
  ASSERT_TRUE(r.ok());
  int covered = 0;
  for (const BlurredRegion& b : r->regions) covered = std::max(covered, (b.box & plate).area());
  EXPECT_GE(covered, plate.area() * 9 / 10) << r->ToJson().dump();
  EXPECT_GT(cv::norm(before, img(plate), cv::NORM_L1) / plate.area(), 10.0);  // pixels changed
}

}  // namespace
}  // namespace tilsyn::imaging
