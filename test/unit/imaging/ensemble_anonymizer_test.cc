#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "imaging/anonymize/blur.h"
#include "imaging/anonymizer.h"

namespace tilsyn::imaging {
namespace {

const char kMessi[] = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";
const cv::Rect kMessiFace(218, 92, 38, 40);  // labelled by hand (test/data/anonymizer_eval.json)

double MeanAbsDiff(const cv::Mat& a, const cv::Mat& b) {
  return cv::norm(a, b, cv::NORM_L1) / static_cast<double>(a.total() * a.channels());
}

cv::Mat Noise(cv::Size s) {
  cv::Mat m(s, CV_8UC3);
  cv::randu(m, 0, 255);
  return m;
}

TEST(AnonymizerOptions, ValidateNamesTheField) {
  AnonymizerOptions o;
  EXPECT_TRUE(o.Validate().ok());
  o.detectors = {"haar-face", "magic"};
  EXPECT_EQ(o.Validate().field(), "detectors[1]");
  o.detectors = {"pack"};
  EXPECT_EQ(o.Validate().field(), "detectors[0]");  // no model pack given
  o = {};
  o.blur = "smudge";
  EXPECT_EQ(o.Validate().field(), "blur");
  o = {};
  o.margin = 2;
  EXPECT_EQ(o.Validate().field(), "margin");
  o = {};
  o.protected_regions = {{cv::Rect(0, 0, 10, 10), ""}};
  EXPECT_EQ(o.Validate().field(), "protected_regions[0].reason");
}

TEST(ObscureRegion, EveryModeChangesTheBoxAndNothingElse) {
  for (const char* name : {"gaussian", "pixelate", "fill"}) {
    BlurMode mode;
    ASSERT_TRUE(ParseBlurMode(name, mode));
    const cv::Mat original = Noise({120, 80});
    cv::Mat img = original.clone();
    const cv::Rect box(20, 20, 40, 30);
    ObscureRegion(img, box, mode);
    EXPECT_GT(MeanAbsDiff(original(box), img(box)), 20.0) << name;
    cv::Mat outside = img.clone(), outside0 = original.clone();
    outside(box).setTo(0);
    outside0(box).setTo(0);
    EXPECT_EQ(cv::norm(outside, outside0, cv::NORM_INF), 0) << name;
  }
  BlurMode m;
  EXPECT_FALSE(ParseBlurMode("smudge", m));
}

TEST(ObscureRegion, KeepMaskLeavesProtectedPixels) {
  const cv::Mat original = Noise({100, 100});
  cv::Mat img = original.clone();
  cv::Mat keep = cv::Mat::zeros(original.size(), CV_8U);
  keep(cv::Rect(10, 10, 20, 20)).setTo(255);
  ObscureRegion(img, cv::Rect(0, 0, 60, 60), BlurMode::kFill, keep);
  EXPECT_EQ(cv::norm(img(cv::Rect(10, 10, 20, 20)), original(cv::Rect(10, 10, 20, 20)),
                     cv::NORM_INF), 0);
  EXPECT_GT(MeanAbsDiff(img(cv::Rect(35, 35, 20, 20)), original(cv::Rect(35, 35, 20, 20))), 20);
}

class EnsembleOnMessi : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kMessi)) GTEST_SKIP() << "opencv-doc missing";
    original_ = cv::imread(kMessi);
    ASSERT_FALSE(original_.empty());
  }
  cv::Mat original_;
};

TEST_F(EnsembleOnMessi, DefaultEnsembleBlursTheFaceAndReportsEveryDetector) {
  AnonymizerOptions o;
  o.detectors = {"haar-face", "haar-plate", "dlib-hog-face"};  // the quick ones
  o.haar_scale_factor = 1.25;  // fewer pyramid levels keep the test quick
  auto anon = NewAnonymizer(o);
  ASSERT_TRUE(anon.ok()) << anon.status().ToString();
  cv::Mat img = original_.clone();
  auto r = (*anon)->Anonymize(img);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_GT(r->counts.count("face"), 0u);
  EXPECT_GE(r->counts.at("face"), 1);
  EXPECT_GT(MeanAbsDiff(original_(kMessiFace), img(kMessiFace)), 8.0);
  EXPECT_EQ(r->detectors.size(), 6u);  // 3 face cascades, 2 plate cascades, dlib
  EXPECT_NE(std::find(r->detectors.begin(), r->detectors.end(), "dlib-hog-face@dlib-19.24"),
            r->detectors.end());
  EXPECT_GT(r->ms, 0);
  EXPECT_FALSE(r->regions.empty());
  const Json j = r->ToJson();
  EXPECT_TRUE(j.contains("counts") && j.contains("detectors") && j.contains("ms"));
}

TEST_F(EnsembleOnMessi, ProtectedRegionKeepsPixelsButNeverAFace) {
  AnonymizerOptions o;
  o.detectors = {"haar-face"};
  o.haar_scale_factor = 1.25;
  o.blur = "fill";
  // Protect the face itself and an area that a (forced) person box covers: the face is still
  // blurred; the protected non-face area is kept and counted.
  o.protected_regions = {{kMessiFace, "test: faces always win"}};
  auto anon = NewAnonymizer(o);
  ASSERT_TRUE(anon.ok());
  cv::Mat img = original_.clone();
  auto r = (*anon)->Anonymize(img);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(MeanAbsDiff(original_(kMessiFace), img(kMessiFace)), 8.0);
  EXPECT_EQ(r->protected_regions, 0);
}

TEST(EnsembleAnonymizer, ProtectedRegionKeepsNonFacePixelsAndIsCounted) {
  const char kPerson[] = "/usr/share/darknet/data/person.jpg";
  if (!std::filesystem::exists(kPerson)) GTEST_SKIP() << "darknet missing";
  const cv::Mat original = cv::imread(kPerson);
  AnonymizerOptions o;
  o.detectors = {"hog-person"};
  o.person_mode = "full";
  o.blur = "fill";
  auto anon = NewAnonymizer(o);
  ASSERT_TRUE(anon.ok());
  const cv::Rect torso(205, 170, 40, 60);  // inside the person (191,99,84,275)
  cv::Mat plain = original.clone();
  auto r0 = (*anon)->Anonymize(plain);
  ASSERT_TRUE(r0.ok());
  ASSERT_EQ(r0->counts.count("person"), 1u) << "fixture: HOG finds the person";
  EXPECT_GT(MeanAbsDiff(original(torso), plain(torso)), 20.0);

  cv::Mat kept = original.clone();
  auto r1 = (*anon)->Anonymize(kept, {{torso, "test: jacket print needed"}});
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(cv::norm(original(torso), kept(torso), cv::NORM_INF), 0);
  EXPECT_EQ(r1->protected_regions, 1);
  EXPECT_EQ(r1->ToJson()["protected_regions"], 1);
}

TEST(EnsembleAnonymizer, RejectsNonColourImages) {
  AnonymizerOptions o;
  o.detectors = {"haar-face"};
  auto anon = NewAnonymizer(o);
  ASSERT_TRUE(anon.ok());
  cv::Mat gray(10, 10, CV_8UC1);
  EXPECT_EQ((*anon)->Anonymize(gray).status().code(), Code::kInvalidArgument);
}

TEST(EnsembleAnonymizer, ExplicitMissingDetectorIsNotFound) {
  AnonymizerOptions o;
  o.detectors = {"blazeface"};
  o.npm_dir = "/nonexistent";
  EXPECT_EQ(NewAnonymizer(o).status().code(), Code::kNotFound);
  o.detectors = {"haar-face"};
  o.cascade_dir = "/nonexistent";
  EXPECT_EQ(NewAnonymizer(o).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace tilsyn::imaging
