// BoxVerifier: which boxes reach the classifier, which it drops, and the crop it sees.
#include "imaging/anonymize/box_verifier.h"

#include <gtest/gtest.h>

namespace tilsyn::imaging {
namespace {

// Says "plate" (0.9) for boxes left of x = 100 and "not a plate" (0.1) elsewhere, and records
// what it was asked about.
class FakeVerifier : public BoxVerifier {
 public:
  explicit FakeVerifier(BoxVerifierSpec s) : BoxVerifier(std::move(s)) {}
  Result<std::vector<double>> Score(const cv::Mat&, const std::vector<cv::Rect>& boxes) override {
    asked = boxes;
    std::vector<double> p;
    for (const cv::Rect& b : boxes) p.push_back(b.x < 100 ? 0.9 : 0.1);
    return p;
  }
  std::vector<cv::Rect> asked;
};

BoxVerifierSpec Spec() {
  BoxVerifierSpec s;
  s.label = "plate";
  s.threshold = 0.5;
  s.keep_above = 0.6;
  return s;
}

TEST(BoxVerifier, DropsOnlyUnsureBoxesOfItsLabelThatItRulesOut) {
  FakeVerifier v(Spec());
  cv::Mat img(200, 300, CV_8UC3, cv::Scalar(0, 0, 0));
  std::vector<RegionCandidate> c = {
      {"plate", {10, 10, 40, 12}, 0.3},   // unsure, a plate: kept
      {"plate", {150, 10, 40, 12}, 0.3},  // unsure, not a plate: dropped
      {"plate", {200, 50, 40, 12}, 0.8},  // sure: kept unseen, whatever it looks like
      {"face", {150, 100, 30, 30}, 0.2},  // another label: kept unseen
  };
  auto n = v.Filter(img, c);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].box.x, 10);
  EXPECT_EQ(c[0].cls, "plate");  // kept boxes keep their class (no self-move)
  EXPECT_EQ(c[1].box.x, 200);
  EXPECT_EQ(c[1].cls, "plate");
  EXPECT_EQ(c[2].cls, "face");
  ASSERT_EQ(v.asked.size(), 2u);  // only the two unsure plates were looked at
}

TEST(BoxVerifier, TheCropIsTheGrownBoxClippedAndResized) {
  BoxVerifierSpec s = Spec();
  s.width = 96;
  s.height = 32;
  s.grow = 0.25;
  cv::Mat img(100, 200, CV_8UC3, cv::Scalar(0, 0, 0));
  img(cv::Rect(40, 40, 80, 20)).setTo(cv::Scalar(255, 255, 255));  // the "plate"
  img(cv::Rect(0, 0, 30, 15)).setTo(cv::Scalar(128, 128, 128));    // a grey corner
  // Box 80x20 grown by 25 % per side: 120x30 centred on it, the plate fills the middle 2/3 x 2/3.
  cv::Mat crop = VerifierCrop(img, cv::Rect(40, 40, 80, 20), s);
  ASSERT_EQ(crop.size(), cv::Size(96, 32));
  EXPECT_GT(crop.at<cv::Vec3b>(16, 48)[0], 250);  // centre: plate
  EXPECT_LT(crop.at<cv::Vec3b>(1, 2)[0], 5);      // corner: the grown margin
  EXPECT_LT(crop.at<cv::Vec3b>(16, 3)[0], 5);
  // At the frame's edge the grown box is clipped, not padded.
  cv::Mat edge = VerifierCrop(img, cv::Rect(0, 0, 20, 10), s);
  ASSERT_EQ(edge.size(), cv::Size(96, 32));
  EXPECT_EQ(edge.at<cv::Vec3b>(0, 0)[0], 128);  // no border added: the box is clipped
  EXPECT_EQ(edge.at<cv::Vec3b>(31, 95)[0], 128);
  // A box outside the frame leaves nothing to look at.
  EXPECT_TRUE(VerifierCrop(img, cv::Rect(300, 150, 10, 10), s).empty());
}

TEST(BoxVerifier, AMissingModelIsNamed) {
  BoxVerifierSpec s = Spec();
  s.file = "/nonexistent/verifier.onnx";
  auto v = NewBoxVerifier(s);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().field(), "verifier.file");
}

}  // namespace
}  // namespace tilsyn::imaging
