// Annotation readers, detection metrics (precision, recall, AP@0.5) and `eval recognizer`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "eval/annotations.h"
#include "eval/detection_metrics.h"
#include "eval/recognizer_eval.h"
#include "fakes/test_paths.h"

namespace tilsyn::eval {
namespace {

using tasks::Box;
using tasks::Detection;

TEST(Annotations, ReadsTheJsonListAndNamesTheBadField) {
  Json j = Json::parse(R"([{"image": "a.jpg", "width": 100, "height": 80,
                            "boxes": [{"class": "person", "x": 1, "y": 2, "w": 3, "h": 4}]},
                           {"image": "/abs/b.png"}])");
  auto set = AnnotationsFromJsonList(j, "/data");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->size(), 2u);
  EXPECT_EQ((*set)[0].image, "/data/a.jpg");
  EXPECT_EQ((*set)[1].image, "/abs/b.png");
  EXPECT_EQ((*set)[0].boxes[0].label, "person");
  EXPECT_EQ((*set)[0].boxes[0].box.h, 4);
  j[0]["boxes"][0]["w"] = 0;
  auto bad = AnnotationsFromJsonList(j, "");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "labels[0].boxes[0].w");
}

TEST(Annotations, ReadsCocoWithCrowdBoxes) {
  Json j = Json::parse(R"({"images": [{"id": 7, "file_name": "x.jpg", "width": 10, "height": 10}],
    "categories": [{"id": 1, "name": "car"}],
    "annotations": [{"image_id": 7, "category_id": 1, "bbox": [1.4, 2, 3, 4]},
                    {"image_id": 7, "category_id": 1, "bbox": [5, 5, 2, 2], "iscrowd": 1}]})");
  auto set = AnnotationsFromCoco(j, "");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ((*set)[0].boxes.size(), 2u);
  EXPECT_EQ((*set)[0].boxes[0].label, "car");
  EXPECT_EQ((*set)[0].boxes[0].box.x, 1);
  EXPECT_TRUE((*set)[0].boxes[1].crowd);
  j["annotations"][0]["category_id"] = 9;
  EXPECT_EQ(AnnotationsFromCoco(j, "").status().field(), "annotations[0].category_id");
}

TEST(Annotations, ReadsAYoloFolderWithClassNames) {
  const char kImg[] = "/usr/share/darknet/data/dog.jpg";
  if (!std::filesystem::exists(kImg)) GTEST_SKIP() << "darknet data missing";
  ::tilsyn::testing::TempDir dir;
  std::ofstream(dir.Sub("classes.txt")) << "person\nvehicle\n";
  std::ofstream(dir.Sub("dog.txt")) << "1 0.5 0.25 0.25 0.5\n";
  auto set = LoadAnnotations(dir.path(), "/usr/share/darknet/data");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->size(), 1u);
  const auto& b = (*set)[0].boxes.at(0);
  EXPECT_EQ(b.label, "vehicle");
  EXPECT_EQ((*set)[0].width, 768);
  EXPECT_EQ(b.box.x, 288);  // (0.5 - 0.125) * 768
  EXPECT_EQ(b.box.h, 288);  // 0.5 * 576
}

TEST(DetectionMetrics, ComputesPrecisionRecallAndAp) {
  ImageResult a, b;
  a.truth = {{"car", {0, 0, 10, 10}}, {"car", {50, 50, 10, 10}}};
  b.truth = {{"car", {0, 0, 20, 20}}};
  a.detections = {{"car", 0.9, {0, 0, 10, 10}},     // tp
                  {"car", 0.8, {1, 1, 10, 10}},     // duplicate of the same box: fp
                  {"car", 0.3, {50, 50, 10, 10}},   // tp below the operating score
                  {"dog", 0.9, {0, 0, 5, 5}}};      // unannotated label: ignored
  b.detections = {{"car", 0.7, {100, 100, 20, 20}}};  // fp
  auto m = EvaluateDetections({a, b}, 0.5, 0.5);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].label, "car");
  EXPECT_EQ(m[0].ground_truth, 3);
  EXPECT_EQ(m[0].detections, 3);
  EXPECT_EQ(m[0].true_positives, 1);
  EXPECT_NEAR(m[0].precision, 1.0 / 3, 1e-9);
  EXPECT_NEAR(m[0].recall, 1.0 / 3, 1e-9);
  // Ranked: tp, fp, fp, tp -> recall 1/3 at precision 1, 2/3 at precision 1/2: AP = 1/3 + 1/6.
  EXPECT_NEAR(m[0].ap50, 0.5, 1e-9);
  EXPECT_NEAR(IoU({0, 0, 10, 10}, {5, 0, 10, 10}), 50.0 / 150.0, 1e-9);
}

TEST(DetectionMetrics, CountErrorPerImageSkipsCrowdImages) {
  ImageResult a, b, c, d;
  a.truth = {{"car", {0, 0, 10, 10}}, {"car", {50, 50, 10, 10}}};
  a.detections = {{"car", 0.9, {0, 0, 10, 10}}, {"car", 0.3, {50, 50, 10, 10}}};  // 1 of 2
  b.detections = {{"car", 0.8, {0, 0, 10, 10}}, {"car", 0.7, {30, 0, 10, 10}}};   // 2 of 0
  c.truth = {{"car", {0, 0, 10, 10}}};
  c.detections = {{"car", 0.6, {0, 0, 10, 10}}};                                // exact
  d.truth = {{"car", {0, 0, 100, 100}, true}};                                  // crowd: skipped
  d.detections = {{"car", 0.9, {0, 0, 10, 10}}};
  auto m = EvaluateDetections({a, b, c, d}, 0.5, 0.5);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].count_images, 3);
  EXPECT_NEAR(m[0].count_mae, (1.0 + 2.0 + 0.0) / 3, 1e-9);
}

TEST(RecognizerEval, RunsABuiltinOverTheStreetSetAndRejectsBadFlags) {
  if (!std::filesystem::exists("/usr/share/darknet/data/person.jpg")) GTEST_SKIP();
  ::tilsyn::testing::TempDir dir;
  std::ofstream(dir.Sub("set.json")) << R"([{"image": "/usr/share/darknet/data/person.jpg",
      "boxes": [{"class": "person", "x": 190, "y": 98, "w": 82, "h": 278}]}])";
  RecognizerEvalFlags f;
  f.labels = dir.Sub("set.json");
  f.service = "hog-person";
  auto r = EvaluateRecognizer(f);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->labels.size(), 1u);
  EXPECT_EQ(r->labels[0].ground_truth, 1);
  EXPECT_EQ(r->images, 1);
  EXPECT_EQ(r->errors, 0);
  // HOG finds the person confidently, but its window (with the detector's context padding) is
  // too loose for IoU 0.5 against a tight box: a miss plus a false positive at AP@0.5.
  EXPECT_EQ(r->labels[0].detections, 1);
  EXPECT_EQ(r->labels[0].true_positives, 0);
  EXPECT_EQ(r->ToJson()["labels"][0]["label"], "person");
  f.service = "no-such-type";
  EXPECT_EQ(EvaluateRecognizer(f).status().field(), "--service");
  f.service = "";
  EXPECT_EQ(EvaluateRecognizer(f).status().field(), "--service");  // neither --service nor --chain
}

TEST(RecognizerEval, StreetSetFileIsValid) {
  auto set = LoadAnnotations(::tilsyn::testing::SourceDir() + "/test/data/street_eval.json", "");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->size(), 7u);
}

}  // namespace
}  // namespace tilsyn::eval
