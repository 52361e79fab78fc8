#include "eval/anonymizer_eval.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "fakes/test_paths.h"

namespace tilsyn::eval {
namespace {

GroundTruthBox Gt(const std::string& cls, int x, int y, int w, int h, bool crowd = false) {
  GroundTruthBox b;
  b.label = cls;
  b.box = {x, y, w, h};
  b.crowd = crowd;
  return b;
}

TEST(AnonymizerMetrics, BucketsAndAliases) {
  EXPECT_EQ(BucketOf(31, 200), kSmall);
  EXPECT_EQ(BucketOf(32, 32), kMedium);
  EXPECT_EQ(BucketOf(96, 500), kMedium);
  EXPECT_EQ(BucketOf(97, 97), kLarge);
  EXPECT_EQ(CanonicalClass("license_plate"), "plate");
  EXPECT_EQ(CanonicalClass("pedestrian"), "person");
  EXPECT_EQ(CanonicalClass("dog"), "");
}

TEST(AnonymizerMetrics, RecallPrecisionAndBlurredAreaOnSyntheticBoxes) {
  AnonymizerMetrics m;
  // Faces: a small one found, a large one missed but half blurred by a person's blur.
  // Detections: one duplicate of the found face (merged), one false positive.
  const std::vector<GroundTruthBox> gt = {Gt("face", 10, 10, 20, 20), Gt("face", 100, 100, 100, 100),
                                          Gt("plate", 300, 10, 60, 20),
                                          Gt("person", 400, 0, 40, 120, /*crowd=*/true)};
  const std::vector<PredictedBox> pred = {{"face", cv::Rect(11, 11, 20, 20)},
                                          {"face", cv::Rect(10, 10, 21, 21)},
                                          {"face", cv::Rect(250, 250, 40, 40)},
                                          {"person", cv::Rect(400, 0, 40, 120)}};
  const std::vector<cv::Rect> blurred = {cv::Rect(5, 5, 30, 30),      // covers face 1 fully
                                         cv::Rect(100, 100, 50, 100), // half of face 2
                                         cv::Rect(250, 250, 40, 40)};
  m.Add(gt, pred, blurred, cv::Size(640, 480));
  m.AddTime(50, 0.5);

  const auto face = m.Get("face");
  EXPECT_EQ(face.gt, 2);
  EXPECT_EQ(face.found, 1);
  EXPECT_EQ(face.pred, 2);     // the duplicate merged
  EXPECT_EQ(face.correct, 1);
  EXPECT_DOUBLE_EQ(face.area, 400 + 10000);
  EXPECT_DOUBLE_EQ(face.blurred, 400 + 5000);
  EXPECT_EQ(m.Get("face", kSmall).found, 1);
  EXPECT_EQ(m.Get("face", kLarge).found, 0);
  const auto plate = m.Get("plate");
  EXPECT_EQ(plate.gt, 1);
  EXPECT_EQ(plate.found, 0);
  EXPECT_DOUBLE_EQ(plate.blurred, 0);
  // The crowd box is neither a miss nor a hit, and the detection on it is not counted.
  EXPECT_EQ(m.Get("person").gt, 0);
  EXPECT_EQ(m.Get("person").pred, 0);

  const Json j = m.ToJson();
  EXPECT_DOUBLE_EQ(j["classes"]["face"]["recall"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["classes"]["face"]["precision"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["classes"]["face"]["tba"].get<double>(), 5400.0 / 10400.0);
  EXPECT_DOUBLE_EQ(j["classes"]["face"]["by_size"]["small"]["tba"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["classes"]["face"]["by_size"]["large"]["tba"].get<double>(), 0.5);
  EXPECT_TRUE(j["classes"]["face"]["by_size"]["medium"]["recall"].is_null());
  EXPECT_TRUE(j["classes"]["person"]["recall"].is_null());
  EXPECT_DOUBLE_EQ(j["classes"]["plate"]["recall"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["ms_per_megapixel"].get<double>(), 100.0);
  EXPECT_NE(m.Table().find("face"), std::string::npos);
}

TEST(EvaluateAnonymizer, RunsOnATinySubsetOfTheShippedSet) {
  auto set = LoadAnnotations(testing::SourceDir() + "/test/data/anonymizer_eval.json", "");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_GE(set->size(), 8u);
  std::vector<AnnotatedImage> tiny;
  for (const AnnotatedImage& a : *set) {
    if (a.image.find("messi5") != std::string::npos && std::filesystem::exists(a.image)) {
      tiny.push_back(a);
    }
  }
  if (tiny.empty()) GTEST_SKIP() << "opencv-doc missing";
  imaging::AnonymizerOptions o;
  o.detectors = {"haar-face"};
  o.haar_scale_factor = 1.25;
  auto anon = imaging::NewAnonymizer(o);
  ASSERT_TRUE(anon.ok());
  auto m = EvaluateAnonymizer(**anon, tiny);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->Get("face").gt, 1);
  EXPECT_EQ(m->Get("face").found, 1);   // Messi's face
  EXPECT_GT(m->Get("face").blurred / m->Get("face").area, 0.9);
  EXPECT_EQ(m->Get("person").found, 0);  // no person detector ran
  EXPECT_GT(m->MsPerMegapixel(), 0);
}

TEST(LoadEvalImage, ReadsVideoFramesAndFailsOnMissingFiles) {
  const std::string avi = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
  EXPECT_EQ(LoadEvalImage("/nonexistent.jpg").status().code(), Code::kNotFound);
  if (!std::filesystem::exists(avi)) GTEST_SKIP();
  auto f = LoadEvalImage(avi + "#3");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->cols, 768);
  EXPECT_EQ(f->rows, 576);
}

TEST(RunEvalAnonymizer, ATileOutsideItsRangeIsRefused) {
  EvalAnonymizerFlags f;
  f.labels = testing::SourceDir() + "/test/data/anonymizer_eval.json";
  f.detectors = {"default-pack"};
  f.tile = 10;  // must be 0 or 64..4096
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunEvalAnonymizer(f), 2);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("tile"), std::string::npos);
}

}  // namespace
}  // namespace tilsyn::eval
