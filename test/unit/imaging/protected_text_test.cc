// Protected evidence: the lines that read a text task's expected sign text stay readable through
// our default anonymizer, while faces and plates are still blurred. The oracle is Tesseract on
// the output and labelled boxes, not the anonymizer's own detections.
#include "imaging/text/protected_text.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tasks/text_match.h"

namespace tilsyn::imaging {
namespace {

const char kCar[] = "/usr/share/doc/opencv-doc/examples/data/licenseplate_motion.jpg";
const cv::Rect kCarPlate(261, 240, 86, 66);  // hand-labelled, as in anonymizer_factory_test.cc

// The demo's no-parking sign (demo/frames.cc): a white, black-lettered panel on a facade. Our
// privacy model takes the panel for a plate (v1: a plate and a face, scores ~0.5–0.6).
cv::Mat Sign(cv::Size size = {640, 480}, cv::Point at = {150, 90}) {
  cv::Mat img(size, CV_8UC3, cv::Scalar(150, 160, 170));
  cv::rectangle(img, {0, size.height - 100, size.width, 100}, cv::Scalar(90, 90, 90), cv::FILLED);
  cv::rectangle(img, {at.x, at.y, 340, 170}, cv::Scalar(255, 255, 255), cv::FILLED);
  cv::rectangle(img, {at.x, at.y, 340, 170}, cv::Scalar(30, 30, 30), 4);
  cv::putText(img, "PARKERING", {at.x + 28, at.y + 70}, cv::FONT_HERSHEY_DUPLEX, 1.5,
              cv::Scalar(0, 0, 0), 3);
  cv::putText(img, "FORBUDT", {at.x + 55, at.y + 135}, cv::FONT_HERSHEY_DUPLEX, 1.5,
              cv::Scalar(0, 0, 0), 3);
  return img;
}

double Reads(TextReader& reader, const cv::Mat& img, const std::string& want) {
  auto lines = reader.Read(img);
  if (!lines.ok()) return -1;
  std::vector<std::string> texts;
  for (const TextLine& l : *lines) texts.push_back(l.text);
  return tasks::BestTextMatch(want, texts);
}

const TextEvidence kEvidence{"Parkering forbudt", 0.8, "test: no-parking sign"};

TEST(MatchProtectedText, JoinsTheShortestRunOfLinesThatReadsTheText) {
  const std::vector<TextLine> lines = {{"FORBUDT", 0.9, {205, 190, 200, 40}},
                                       {"PARKERING", 0.9, {178, 120, 260, 40}},
                                       {"Bager", 0.9, {10, 10, 80, 20}}};
  auto r = MatchProtectedText(lines, kEvidence, {640, 480});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].reason, kEvidence.reason);
  // Both lines, grown by a third of the line height.
  EXPECT_TRUE((r[0].box & cv::Rect(178, 120, 260, 110)) == cv::Rect(178, 120, 260, 110));
  EXPECT_FALSE(r[0].box.contains({20, 15}));
}

TEST(MatchProtectedText, NothingWhenNoLineReadsTheText) {
  const std::vector<TextLine> lines = {{"P-VAGT", 0.9, {10, 10, 80, 20}}};
  EXPECT_TRUE(MatchProtectedText(lines, kEvidence, {640, 480}).empty());
  EXPECT_TRUE(MatchProtectedText(lines, TextEvidence{"", 0.8, "x"}, {640, 480}).empty());
  EXPECT_TRUE(MatchProtectedText({}, kEvidence, {640, 480}).empty());
}

TEST(EvidenceOf, OnlyJobsThatNameText) {
  tasks::CaptureJob job;
  job.task_id = "t1";
  EXPECT_FALSE(EvidenceOf(job).has_value());
  job.evidence_text = "Parkering forbudt";
  job.evidence_min_similarity = 0.7;
  auto e = EvidenceOf(job);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->min_similarity, 0.7);
  EXPECT_NE(e->reason.find("t1"), std::string::npos);
}

class ProtectedTextOnRealAnonymizer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (FindDefaultModelPack().empty()) GTEST_SKIP() << "models/ not found";
    auto f = MakeAnonymizerFactory("/usr/share/opencv4/haarcascades", {});
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    auto a = (*f)();
    ASSERT_TRUE(a.ok());
    anonymizer_ = std::move(*a);
    auto r = TextReader::Open({});
    if (!r.ok()) GTEST_SKIP() << r.status().ToString();
    reader_ = std::move(*r);
  }
  std::unique_ptr<Anonymizer> anonymizer_;
  std::unique_ptr<TextReader> reader_;
  EvidenceGuard guard_;
};

TEST_F(ProtectedTextOnRealAnonymizer, SignTextSurvivesOnlyAsEvidence) {
  const cv::Mat original = Sign();
  ASSERT_GE(Reads(*reader_, original, kEvidence.expected_text), 0.8) << "fixture: the sign reads";

  // Without evidence the privacy model blurs the panel (the known false positive): the guard
  // must be what keeps it readable.
  cv::Mat plain = original.clone();
  ASSERT_TRUE(guard_.Anonymize(*anonymizer_, plain, nullptr).ok());
  EXPECT_LT(Reads(*reader_, plain, kEvidence.expected_text), 0.8);

  cv::Mat kept = original.clone();
  auto r = guard_.Anonymize(*anonymizer_, kept, &kEvidence);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(Reads(*reader_, kept, kEvidence.expected_text), 0.8);
  const Json j = r->ToJson();
  ASSERT_TRUE(j.contains("protected")) << j.dump();
  EXPECT_EQ(j["protected"][0]["reason"], kEvidence.reason);
  EXPECT_TRUE(j["protected"][0]["kept"].get<bool>()) << j.dump();
  EXPECT_FALSE(j["protected"][0]["withheld"].empty());
}

TEST_F(ProtectedTextOnRealAnonymizer, APlateNextToTheSignIsStillBlurred) {
  const cv::Mat car = cv::imread(kCar);
  if (car.empty()) GTEST_SKIP() << "opencv-doc not installed";
  // The sign on the left, the car photograph on the right.
  cv::Mat canvas = Sign({640 + car.cols, std::max(480, car.rows)});
  car.copyTo(canvas(cv::Rect(640, 0, car.cols, car.rows)));
  const cv::Rect plate = kCarPlate + cv::Point(640, 0);
  const cv::Mat before = canvas(plate).clone();
  auto r = guard_.Anonymize(*anonymizer_, canvas, &kEvidence);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(cv::norm(before, canvas(plate), cv::NORM_L1) / plate.area(), 10.0)
      << r->ToJson().dump();
  EXPECT_GE(Reads(*reader_, canvas, kEvidence.expected_text), 0.8);
}

TEST_F(ProtectedTextOnRealAnonymizer, ConfidentPlateOverAProtectedRegionIsBlurred) {
  cv::Mat car = cv::imread(kCar);
  if (car.empty()) GTEST_SKIP() << "opencv-doc not installed";
  // Protect the real plate itself: privacy wins as long as the plate detection is confident;
  // with an override score no detection reaches, the pixels are withheld instead.
  const std::vector<ProtectedRegion> protect = {{kCarPlate, "test: plate under a protected box"}};
  for (double override_score : {0.0, 1.0}) {
    AnonymizerOptions o;
    o.detectors = {"default-pack"};
    o.protect_override_score = override_score;
    auto a = NewAnonymizer(o);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    cv::Mat img = car.clone();
    auto r = (*a)->Anonymize(img, protect);
    ASSERT_TRUE(r.ok());
    const double changed = cv::norm(car(kCarPlate), img(kCarPlate), cv::NORM_L1) / kCarPlate.area();
    ASSERT_EQ(r->protections.size(), 1u) << r->ToJson().dump();
    if (override_score == 0.0) {
      EXPECT_GT(changed, 10.0);
      EXPECT_FALSE(r->protections[0].overridden_by.empty());
      EXPECT_FALSE(r->ToJson()["protected"][0]["kept"].get<bool>());
    } else {
      EXPECT_EQ(changed, 0.0);
      EXPECT_FALSE(r->protections[0].withheld.empty());
    }
  }
}

}  // namespace
}  // namespace tilsyn::imaging
