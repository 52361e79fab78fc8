// The built-in detectors on real photos (Debian darknet and opencv-doc data).
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "core/clock.h"
#include "recognition/builtin/cascade_detector.h"
#include "recognition/builtin/hog_person.h"
#include "recognition/registry.h"

namespace tilsyn::recognition {
namespace {

const char kPerson[] = "/usr/share/darknet/data/person.jpg";
const char kEagle[] = "/usr/share/darknet/data/eagle.jpg";
const char kGiraffe[] = "/usr/share/darknet/data/giraffe.jpg";
const char kVtest[] = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

RecognizeRequest PersonRequest() {
  RecognizeRequest r;
  r.targets = {{"person", 0.6}};
  return r;
}

double BestPerson(const Recognition& r) {
  double best = 0;
  for (const auto& d : r.detections)
    if (d.label == "person") best = std::max(best, d.score);
  return best;
}

cv::Mat Load(const char* path) { return cv::imread(path, cv::IMREAD_COLOR); }

class BuiltinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kPerson)) GTEST_SKIP() << "darknet data missing";
    RegisterBuiltins(registry_);
  }
  Registry registry_;
};

TEST_F(BuiltinTest, HogFindsThePersonInPersonJpg) {
  auto hog = registry_.Create("hog-person", "hog-person", Json::object());
  ASSERT_TRUE(hog.ok()) << hog.status().ToString();
  const cv::Mat img = Load(kPerson);
  auto r = (*hog)->Recognize(img, PersonRequest());
  ASSERT_TRUE(r.ok());
  EXPECT_GT(BestPerson(*r), 0.7);
  EXPECT_TRUE(r->good_enough);
  // The person stands left of centre, about 350 px tall in the 640x424 image.
  const auto& d = r->detections.front();
  EXPECT_GT(d.box.h, 200);
  EXPECT_LT(d.box.x + d.box.w / 2, 320);
}

TEST_F(BuiltinTest, HogFindsNoConfidentPersonInAnimalPhotos) {
  auto hog = registry_.Create("hog-person", "hog-person", Json::object());
  ASSERT_TRUE(hog.ok());
  for (const char* path : {kEagle, kGiraffe}) {
    auto r = (*hog)->Recognize(Load(path), PersonRequest());
    ASSERT_TRUE(r.ok());
    EXPECT_LT(BestPerson(*r), 0.6) << path;
  }
}

TEST_F(BuiltinTest, HogFindsPedestriansInVtestFrames) {
  if (!std::filesystem::exists(kVtest)) GTEST_SKIP() << "opencv-doc vtest.avi missing";
  cv::VideoCapture cap(kVtest);
  if (!cap.isOpened()) GTEST_SKIP() << "cannot open vtest.avi (no video backend)";
  auto hog = registry_.Create("hog-person", "hog-person", Json::object());
  ASSERT_TRUE(hog.ok());
  cv::Mat frame;
  int frames = 0, with_person = 0;
  for (int i = 0; i < 151 && cap.read(frame); ++i) {
    if (i % 50 != 0) continue;
    ++frames;
    auto r = (*hog)->Recognize(frame, PersonRequest());
    ASSERT_TRUE(r.ok());
    if (BestPerson(*r) > 0.7) ++with_person;
  }
  ASSERT_GT(frames, 0);
  EXPECT_EQ(with_person, frames);
}

TEST_F(BuiltinTest, CascadeFullBodyFindsPedestriansInVtest) {
  if (!std::filesystem::exists(kVtest)) GTEST_SKIP() << "opencv-doc vtest.avi missing";
  cv::VideoCapture cap(kVtest);
  if (!cap.isOpened()) GTEST_SKIP() << "cannot open vtest.avi";
  auto c = registry_.Create("cascade", "cascade-fullbody",
                            Json{{"cascade", "haarcascade_fullbody.xml"}, {"label", "person"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->info().labels, std::vector<std::string>{"person"});
  cv::Mat frame;
  double best = 0;
  for (int i = 0; i < 101 && cap.read(frame); ++i) {
    if (i % 50 != 0) continue;
    auto r = (*c)->Recognize(frame, PersonRequest());
    ASSERT_TRUE(r.ok());
    best = std::max(best, BestPerson(*r));
  }
  EXPECT_GT(best, 0.7);
}

TEST_F(BuiltinTest, CascadeFindsNothingConfidentInAnimalPhotos) {
  auto c = registry_.Create("cascade", "cascade-fullbody",
                            Json{{"cascade", "haarcascade_fullbody.xml"}, {"label", "person"}});
  ASSERT_TRUE(c.ok());
  for (const char* path : {kEagle, kGiraffe}) {
    auto r = (*c)->Recognize(Load(path), PersonRequest());
    ASSERT_TRUE(r.ok());
    EXPECT_LT(BestPerson(*r), 0.6) << path;
  }
}

TEST_F(BuiltinTest, DefaultChainAnswersWithHogFirst) {
  FakeClock clock;
  auto chain = DefaultChain(registry_, &clock);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  auto r = (*chain)->Recognize(Load(kPerson), PersonRequest());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->good_enough);
  EXPECT_EQ(r->service, "hog-person");
  ASSERT_GE(r->runs.size(), 1u);
  EXPECT_EQ(r->runs[0].service, "hog-person");
}

TEST_F(BuiltinTest, DefaultChainFallsBackOnAnUncertainAnswer) {
  FakeClock clock;
  auto chain = DefaultChain(registry_, &clock);
  ASSERT_TRUE(chain.ok());
  // An impossible threshold: HOG's person is "between" → uncertain → the cascade is asked too.
  RecognizeRequest req;
  req.targets = {{"person", 1.5}};
  auto r = (*chain)->Recognize(Load(kPerson), req);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->runs.size(), 2u);
  EXPECT_FALSE(r->runs[0].good_enough);
  EXPECT_EQ(r->runs[1].service, "cascade-fullbody");
}

TEST(Registry, UnknownTypeIsInvalidArgumentNamingType) {
  Registry reg;
  RegisterBuiltins(reg);
  auto r = reg.Create("yolo-v99", "x", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "type");
  EXPECT_EQ(reg.Types(), (std::vector<std::string>{"cascade", "change", "hog-person", "ocr", "opencv-dnn"}));
}

TEST(Registry, DuplicateTypeIsAlreadyExists) {
  Registry reg;
  RegisterBuiltins(reg);
  EXPECT_EQ(reg.Register("cascade", NewCascadeDetector).code(), Code::kAlreadyExists);
}

TEST(Registry, BadSettingsNameTheField) {
  Registry reg;
  RegisterBuiltins(reg);
  auto no_label = reg.Create("cascade", "c", Json{{"cascade", "haarcascade_fullbody.xml"}});
  ASSERT_FALSE(no_label.ok());
  EXPECT_EQ(no_label.status().field(), "settings.label");
  auto missing = reg.Create("cascade", "c", Json{{"cascade", "nope.xml"}, {"label", "person"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  auto bad_scale = reg.Create("hog-person", "h", Json{{"scale", 0.5}});
  ASSERT_FALSE(bad_scale.ok());
  EXPECT_EQ(bad_scale.status().field(), "settings.scale");
  auto wrong_type = reg.Create("hog-person", "h", Json{{"min_side", "big"}});
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.status().field(), "settings.min_side");
}

TEST(ScoreMapping, MonotoneAndCalibrated) {
  EXPECT_NEAR(HogScore(0.5), 0.5, 1e-9);
  EXPECT_GT(HogScore(0.9), 0.7);
  EXPECT_LT(HogScore(0.0), 0.3);
  EXPECT_LT(HogScore(1.0), HogScore(2.0));
  EXPECT_NEAR(CascadeScore(0.5), 0.5, 1e-9);
  EXPECT_GT(CascadeScore(2.0), 0.9);
}

}  // namespace
}  // namespace tilsyn::recognition
