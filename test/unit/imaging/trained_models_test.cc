// The committed default model pack (models/): every model loads through the manifest and
// imaging::DnnDetector (OpenCV 4.6 DNN) and finds the expected labels in real photographs
// shipped by Debian packages (darknet, opencv-doc).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "fakes/test_paths.h"
#include "imaging/dnn_detector.h"
#include "imaging/model_pack.h"

namespace tilsyn::imaging {
namespace {

const char kDog[] = "/usr/share/darknet/data/dog.jpg";  // bicycle, dog, pickup truck
const char kPlate[] = "/usr/share/doc/opencv-doc/examples/data/licenseplate_motion.jpg";  // a car
const char kMessi[] = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";  // football players

ModelSpec Spec(const std::string& name) {
  auto pack = LoadModelPack(testing::SourceDir() + "/models");
  EXPECT_TRUE(pack.ok()) << pack.status().ToString();
  if (pack.ok()) {
    for (const ModelSpec& s : pack->models) {
      if (s.name == name) return s;
    }
  }
  ADD_FAILURE() << "no model " << name << " in models/manifest.json";
  return {};
}

std::vector<tasks::Detection> Detect(const ModelSpec& spec, const char* path) {
  auto det = DnnDetector::Create(spec);
  EXPECT_TRUE(det.ok()) << det.status().ToString();
  if (!det.ok()) return {};
  const cv::Mat img = cv::imread(path, cv::IMREAD_COLOR);
  EXPECT_FALSE(img.empty()) << path;
  auto out = (*det)->Detect(img);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : std::vector<tasks::Detection>{};
}

int Count(const std::vector<tasks::Detection>& d, const std::string& label) {
  return static_cast<int>(
      std::count_if(d.begin(), d.end(), [&](const auto& x) { return x.label == label; }));
}

// Largest IoU between a detection labelled `label` and `truth`.
double BestIou(const std::vector<tasks::Detection>& d, const std::string& label, cv::Rect truth) {
  double best = 0;
  for (const auto& x : d) {
    if (x.label != label) continue;
    const cv::Rect r(static_cast<int>(x.box.x), static_cast<int>(x.box.y),
                     static_cast<int>(x.box.w), static_cast<int>(x.box.h));
    const double inter = (r & truth).area();
    best = std::max(best, inter / (r.area() + truth.area() - inter));
  }
  return best;
}

TEST(TrainedModelsTest, ManifestListsBothModelsWithTheirPurposeAndCards) {
  auto pack = LoadModelPack(testing::SourceDir() + "/models");
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  ASSERT_EQ(pack->models.size(), 2u);
  for (const ModelSpec& s : pack->models) {
    EXPECT_EQ(s.decoder, "yolo");
    EXPECT_TRUE(std::filesystem::exists(s.card)) << s.card;
    EXPECT_LT(std::filesystem::file_size(s.file), 10u * 1000 * 1000) << s.file;
  }
  EXPECT_TRUE(Spec("privacy").HasPurpose("anonymization"));
  EXPECT_TRUE(Spec("street").HasPurpose("recognition"));
}

TEST(TrainedModelsTest, PrivacyFindsFacesOfFootballPlayers) {
  const auto d = Detect(Spec("privacy"), kMessi);
  // messi5.jpg: the player in the centre has a frontal face at about (223,97)-(258,135).
  EXPECT_GT(BestIou(d, "face", cv::Rect(223, 97, 35, 38)), 0.4);
  EXPECT_GE(Count(d, "face"), 3);  // several more players' faces, some in profile
}

// input.upscale false: messi5.jpg (548x342) is placed at its own size in the 960x544 input
// instead of enlarged; the centre player's face is still found where it is.
TEST(TrainedModelsTest, WithoutUpscalingASmallImageIsDetectedInPlace) {
  ModelSpec spec = Spec("privacy");
  spec.tile_grid = 1;
  spec.input.upscale = false;
  const auto d = Detect(spec, kMessi);
  EXPECT_GT(BestIou(d, "face", cv::Rect(223, 97, 35, 38)), 0.4);
  // and the network did see other pixels than with the image enlarged
  spec.input.upscale = true;
  const auto enlarged = Detect(spec, kMessi);
  auto scores = [](const std::vector<tasks::Detection>& v) {
    std::vector<double> s;
    for (const auto& x : v) s.push_back(x.score);
    return s;
  };
  EXPECT_NE(scores(d), scores(enlarged));
}

TEST(TrainedModelsTest, StreetFindsTheTruckAndNoRoadDamageOrSigns) {
  const auto d = Detect(Spec("street"), kDog);
  // dog.jpg: a pickup truck at about (465,75)-(690,170); no potholes, cracks or signs.
  EXPECT_GT(BestIou(d, "vehicle", cv::Rect(465, 75, 225, 95)), 0.3);
  EXPECT_EQ(Count(d, "pothole") + Count(d, "road_crack") + Count(d, "traffic_sign"), 0);
}

TEST(TrainedModelsTest, StreetFindsTheCarSeenFromBehind) {
  // licenseplate_motion.jpg: a motion-blurred saloon filling the frame. (Its plate is too blurred
  // for either model: a known failure, see models/privacy.MODEL_CARD.md.)
  const auto d = Detect(Spec("street"), kPlate);
  EXPECT_GT(BestIou(d, "vehicle", cv::Rect(0, 20, 600, 440)), 0.5);
}

}  // namespace
}  // namespace tilsyn::imaging
