// The "opencv-dnn" recognizer with Yolo-Fastest 1.1 from ../shared/models (skipped when absent).
#include "recognition/builtin/opencv_dnn.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "fakes/test_paths.h"
#include "recognition/registry.h"

namespace tilsyn::recognition {
namespace {

const char kDog[] = "/usr/share/darknet/data/dog.jpg";
const char kPerson[] = "/usr/share/darknet/data/person.jpg";

// The dev manifest (docs/) resolved against ../shared/models.
Json Settings() {
  return {{"pack", ::tilsyn::testing::SharedDir() + "/models"},
          {"manifest", ::tilsyn::testing::SourceDir() + "/docs/dev-model-pack.manifest.json"},
          {"model", "yolo-fastest-1.1"}};
}

class OpenCvDnnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string shared = ::tilsyn::testing::SharedDir();
    if (shared.empty() || !std::filesystem::exists(shared + "/models/yolo-fastest-1.1")) {
      GTEST_SKIP() << "../shared/models/yolo-fastest-1.1 absent";
    }
    if (!std::filesystem::exists(kDog)) GTEST_SKIP() << "darknet data missing";
    RegisterBuiltins(registry_);
    auto r = registry_.Create("opencv-dnn", "yolo-fastest", Settings());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    rec_ = std::move(*r);
  }
  Registry registry_;
  std::unique_ptr<Recognizer> rec_;
};

TEST_F(OpenCvDnnTest, DeclaresMappedLabels) {
  const auto& labels = rec_->info().labels;
  auto has = [&](const std::string& l) {
    return std::find(labels.begin(), labels.end(), l) != labels.end();
  };
  EXPECT_TRUE(has("vehicle"));
  EXPECT_TRUE(has("person"));
  EXPECT_TRUE(has("bicycle"));
  EXPECT_FALSE(has("car"));
  EXPECT_FALSE(has("truck"));
  EXPECT_EQ(rec_->info().type, "opencv-dnn");
  EXPECT_EQ(rec_->info().terms, DataTerms::kLocal);
}

TEST_F(OpenCvDnnTest, FindsThePickupAsAVehicleAndTheBicycleInDogJpg) {
  RecognizeRequest req;
  req.targets = {{"vehicle", 0.5}, {"bicycle", 0.5}};
  auto r = rec_->Recognize(cv::imread(kDog, cv::IMREAD_COLOR), req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const cv::Rect pickup(467, 75, 225, 95), bike(125, 125, 445, 295);
  bool vehicle = false, bicycle = false;
  for (const auto& d : r->detections) {
    EXPECT_GE(d.score, 0.0);
    EXPECT_LE(d.score, 1.0);
    const cv::Rect b(d.box.x, d.box.y, d.box.w, d.box.h);
    if (d.label == "vehicle" && d.score >= 0.5 && (b & pickup).area() > 0.5 * pickup.area())
      vehicle = true;
    if (d.label == "bicycle" && d.score >= 0.5 && (b & bike).area() > 0.5 * bike.area())
      bicycle = true;
    EXPECT_NE(d.label, "car");
  }
  EXPECT_TRUE(vehicle);
  EXPECT_TRUE(bicycle);
  EXPECT_TRUE(r->good_enough);
}

TEST_F(OpenCvDnnTest, FindsThePersonAndNoVehicleInPersonJpg) {
  RecognizeRequest req;
  req.targets = {{"person", 0.5}};
  auto r = rec_->Recognize(cv::imread(kPerson, cv::IMREAD_COLOR), req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  double person = 0, vehicle = 0;
  for (const auto& d : r->detections) {
    if (d.label == "person") person = std::max(person, d.score);
    if (d.label == "vehicle") vehicle = std::max(vehicle, d.score);
  }
  EXPECT_GE(person, 0.5);
  EXPECT_LT(vehicle, 0.5);
}

TEST_F(OpenCvDnnTest, LabelsServeOnlyThoseOfTheModelsLabels) {
  Json s = Settings();
  s["labels"] = {"person"};
  auto r = registry_.Create("opencv-dnn", "persons", s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->info().labels, std::vector<std::string>{"person"});
  RecognizeRequest req;
  req.targets = {{"person", 0.5}};
  const cv::Mat img = cv::imread(kPerson, cv::IMREAD_COLOR);
  auto all = rec_->Recognize(img, req);
  auto only = (*r)->Recognize(img, req);
  ASSERT_TRUE(all.ok() && only.ok());
  size_t persons = 0, others = 0;
  for (const auto& d : all->detections) (d.label == "person" ? persons : others)++;
  ASSERT_GT(others, 0u) << "person.jpg holds a horse and a dog";
  ASSERT_EQ(only->detections.size(), persons);
  for (const auto& d : only->detections) EXPECT_EQ(d.label, "person");
}

TEST(OpenCvDnnSettings, NameTheBadField) {
  Registry reg;
  RegisterBuiltins(reg);
  auto a = reg.Create("opencv-dnn", "x", Json::object());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().field(), "settings.pack");
  auto b = reg.Create("opencv-dnn", "x", Json{{"pack", "/nonexistent/pack"}});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().field(), "settings.pack");
  if (::tilsyn::testing::SharedDir().empty()) return;
  Json s = Settings();
  s["model"] = "no-such-model";
  auto c = reg.Create("opencv-dnn", "x", s);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().field(), "settings.model");
  s = Settings();
  s["report_ratio"] = 0;
  auto d = reg.Create("opencv-dnn", "x", s);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().field(), "settings.report_ratio");
  for (const auto& [labels, field] : std::vector<std::pair<Json, std::string>>{
           {Json("person"), "settings.labels"},
           {Json::array(), "settings.labels"},
           {Json{"person", 3}, "settings.labels[1]"},
           {Json{"person", "unicorn"}, "settings.labels[1]"}}) {
    s = Settings();
    s["labels"] = labels;
    auto e = reg.Create("opencv-dnn", "x", s);
    ASSERT_FALSE(e.ok()) << labels.dump();
    EXPECT_EQ(e.status().field(), field) << labels.dump();
  }
}

}  // namespace
}  // namespace tilsyn::recognition
