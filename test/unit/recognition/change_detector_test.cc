// The "change" recognizer: alignment of a new view onto the reference, then change regions.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "recognition/builtin/change_detector.h"
#include "recognition/registry.h"
#include "tasks/rules.h"

namespace tilsyn::recognition {
namespace {

const char kBuilding[] = "/usr/share/doc/opencv-doc/examples/data/building.jpg";
const char kPatch[] = "/usr/share/darknet/data/dog.jpg";
const char kGraf1[] = "/usr/share/doc/opencv-doc/examples/data/graf1.png";
const char kGraf3[] = "/usr/share/doc/opencv-doc/examples/data/graf3.png";

RecognizeRequest ChangeRequest(const cv::Mat& reference) {
  RecognizeRequest r;
  r.targets = {{"change", 0.5}};
  r.reference = reference;
  return r;
}

// The reference seen from a slightly different pose: rotation, scale, perspective, brightness.
cv::Mat NewView(const cv::Mat& ref) {
  const cv::Point2f src[4] = {{0, 0}, {float(ref.cols), 0}, {float(ref.cols), float(ref.rows)}, {0, float(ref.rows)}};
  const cv::Point2f dst[4] = {{25, 18}, {ref.cols - 10.f, 5}, {ref.cols - 30.f, ref.rows - 12.f}, {8, ref.rows - 25.f}};
  cv::Mat h = cv::getPerspectiveTransform(src, dst), out;
  cv::warpPerspective(ref, out, h, ref.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  out.convertTo(out, -1, 1.1, 8);  // a sunnier day
  return out;
}

class ChangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kBuilding) || !std::filesystem::exists(kPatch)) {
      GTEST_SKIP() << "opencv-doc or darknet data missing";
    }
    reference_ = cv::imread(kBuilding, cv::IMREAD_COLOR);
    Registry reg;
    RegisterBuiltins(reg);
    auto c = reg.Create("change", "change", Json::object());
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    change_ = std::move(*c);
  }
  cv::Mat reference_;
  std::unique_ptr<Recognizer> change_;
};

TEST_F(ChangeTest, SameSceneFromAnotherPoseShowsNoChange) {
  auto r = change_->Recognize(NewView(reference_), ChangeRequest(reference_));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->good_enough);
  double confident = 0;
  for (const auto& d : r->detections)
    if (d.score >= 0.5) confident += d.area_fraction;
  EXPECT_LT(confident, 0.01);
}

TEST_F(ChangeTest, FindsAnObjectPastedIntoTheNewView) {
  cv::Mat after = NewView(reference_);
  const cv::Mat dog = cv::imread(kPatch, cv::IMREAD_COLOR)(cv::Rect(133, 218, 177, 322));
  cv::Mat dog_small;
  cv::resize(dog, dog_small, cv::Size(120, 200));
  const cv::Rect where(500, 300, 120, 200);  // a dumped object in front of the building
  dog_small.copyTo(after(where));
  auto r = change_->Recognize(after, ChangeRequest(reference_));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->detections.empty());
  const auto& top = r->detections.front();
  EXPECT_EQ(top.label, "change");
  EXPECT_GE(top.score, 0.5);
  const cv::Rect box(top.box.x, top.box.y, top.box.w, top.box.h);
  EXPECT_GT((box & where).area(), 0.5 * where.area()) << box;
  EXPECT_LT(box.area(), 2.0 * where.area()) << box;
  // Nothing confident away from the pasted object.
  for (const auto& d : r->detections) {
    const cv::Rect b(d.box.x, d.box.y, d.box.w, d.box.h);
    if ((b & where).area() == 0) {
      EXPECT_LT(d.score, 0.5) << b;
    }
  }
  // before_after rule: the pasted 24000 px are about 5% of the view.
  tasks::Task task;
  task.kind = tasks::TaskKind::kBeforeAfter;
  task.targets = {{"change", 0.5}};
  task.rule.change_threshold = 0.02;
  auto a = tasks::Assess(task, r->detections, r->good_enough);
  EXPECT_EQ(a.outcome, tasks::Outcome::kFinding) << a.reason;
  EXPECT_GT(*a.changed_fraction, 0.03);
  EXPECT_LT(*a.changed_fraction, 0.09);
}

TEST_F(ChangeTest, GraffitiWallFromTwoViewpointsAlignsWithLittleChange) {
  if (!std::filesystem::exists(kGraf1)) GTEST_SKIP() << "graf images missing";
  const cv::Mat g1 = cv::imread(kGraf1, cv::IMREAD_COLOR), g3 = cv::imread(kGraf3, cv::IMREAD_COLOR);
  const ChangeResult c = DetectChange(g1, g3, ChangeOptions{});
  ASSERT_TRUE(c.aligned);
  EXPECT_GT(c.inliers, 30);
  EXPECT_LT(c.changed_fraction, 0.05);
  EXPECT_EQ(c.mask.size(), g3.size());
}

// A rectangle of one brownish colour about as bright as the cobbles under it (what the
// anonymizer leaves of a skip it takes for a plate): hardly a change in grey, a large one in
// colour (the "colour" setting).
TEST(ChangeColour, FindsAnObjectThatDiffersInHueNotBrightness) {
  const char* kStreet = "/usr/share/doc/opencv-doc/examples/data/leuvenA.jpg";
  if (!std::filesystem::exists(kStreet)) GTEST_SKIP() << "opencv-doc missing";
  const cv::Mat ref = cv::imread(kStreet);
  cv::Mat img = NewView(ref);
  const cv::Rect where(150, 350, 280, 140);
  const double grey = cv::mean(img(where))[0] * 0.114 + cv::mean(img(where))[1] * 0.587 +
                      cv::mean(img(where))[2] * 0.299;
  // BGR with the same luma as the cobbles there, but red-brown.
  const double b = 0.35 * grey, r = 1.45 * grey;
  const double g = (grey - 0.114 * b - 0.299 * r) / 0.587;
  img(where).setTo(cv::Scalar(b, g, r));
  ChangeOptions o;
  const ChangeResult grey_only = DetectChange(ref, img, o);
  ASSERT_TRUE(grey_only.aligned);
  o.colour = true;
  const ChangeResult colour = DetectChange(ref, img, o);
  ASSERT_TRUE(colour.aligned);
  const double share = static_cast<double>(where.area()) / ref.total();
  EXPECT_LT(grey_only.changed_fraction, 0.5 * share) << grey_only.changed_fraction;
  EXPECT_GT(colour.changed_fraction, 0.7 * share) << colour.changed_fraction;
  // The setting is read and checked.
  EXPECT_TRUE(NewChangeRecognizer("c", Json{{"colour", true}}).ok());
  EXPECT_EQ(NewChangeRecognizer("c", Json{{"colour", "yes"}}).status().field(), "settings.colour");
}

// A region of interest: change is measured there only, as a share of the region.
TEST_F(ChangeTest, ARegionOfInterestMeasuresOnlyInsideIt) {
  cv::Mat after = NewView(reference_);
  const cv::Mat dog = cv::imread(kPatch, cv::IMREAD_COLOR)(cv::Rect(133, 218, 177, 322));
  cv::Mat dog_small;
  cv::resize(dog, dog_small, cv::Size(120, 200));
  const cv::Rect where(500, 300, 120, 200);
  dog_small.copyTo(after(where));
  const double W = reference_.cols, H = reference_.rows;
  // Around the pasted object (in the reference's frame, which NewView barely moves there).
  const cv::Rect2d around((where.x - 40) / W, (where.y - 40) / H, (where.width + 80) / W,
                          (where.height + 80) / H);
  const ChangeResult in = DetectChange(reference_, after, ChangeOptions{}, around);
  ASSERT_TRUE(in.aligned);
  EXPECT_GT(in.changed_fraction, 0.3) << "most of the region is the new object";
  for (const auto& d : in.regions) EXPECT_GT(d.area_fraction, 0) << "shares of the region";
  // Elsewhere in the view: nothing changed there.
  const ChangeResult away = DetectChange(reference_, after, ChangeOptions{}, cv::Rect2d(0.05, 0.05, 0.3, 0.3));
  ASSERT_TRUE(away.aligned);
  EXPECT_LT(away.changed_fraction, 0.02);
  // The whole view: the object is a few per cent of it.
  const ChangeResult all = DetectChange(reference_, after, ChangeOptions{});
  EXPECT_LT(all.changed_fraction, 0.1);
  // The condition rule over the recognizer's answer (the request carries the region).
  RecognizeRequest req = ChangeRequest(reference_);
  req.roi = around;
  auto r = change_->Recognize(after, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  tasks::Task task;
  task.kind = tasks::TaskKind::kCondition;
  task.targets = {{"change", 0.5}};
  task.rule.change_threshold = 0.2;
  task.rule.roi = tasks::Roi{around.x, around.y, around.width, around.height};
  ASSERT_TRUE(tasks::ComparesWithReference(task));
  auto a = tasks::Assess(task, r->detections, r->good_enough);
  EXPECT_EQ(a.outcome, tasks::Outcome::kFinding) << a.reason;
  EXPECT_NE(a.reason.find("of the region of interest differs from the reference"), std::string::npos)
      << a.reason;
}

// A region that the new view does not show cannot be compared: not aligned (inconclusive).
TEST_F(ChangeTest, ARegionOutOfViewIsNotComparable) {
  // The new view is the left half of the reference, stretched: the right quarter is gone.
  const cv::Mat left = reference_(cv::Rect(0, 0, reference_.cols / 2, reference_.rows)).clone();
  cv::Mat after;
  cv::resize(left, after, reference_.size());
  const ChangeResult gone = DetectChange(reference_, after, ChangeOptions{}, cv::Rect2d(0.75, 0.3, 0.2, 0.3));
  EXPECT_FALSE(gone.aligned);
  const ChangeResult seen = DetectChange(reference_, after, ChangeOptions{}, cv::Rect2d(0.1, 0.3, 0.2, 0.3));
  EXPECT_TRUE(seen.aligned);
  EXPECT_LT(seen.changed_fraction, 0.05);
}

TEST_F(ChangeTest, WithoutAReferenceOrAlignmentTheResultIsNotGoodEnough) {
  auto none = change_->Recognize(reference_, ChangeRequest(cv::Mat()));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->good_enough);
  const cv::Mat flat(480, 640, CV_8UC3, cv::Scalar(90, 90, 90));  // no features to match
  auto unaligned = change_->Recognize(reference_, ChangeRequest(flat));
  ASSERT_TRUE(unaligned.ok());
  EXPECT_FALSE(unaligned->good_enough);
  EXPECT_TRUE(unaligned->detections.empty());
}

TEST(ChangeSettings, NameTheBadField) {
  auto r = NewChangeRecognizer("c", Json{{"diff_threshold", 0}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "settings.diff_threshold");
}

}  // namespace
}  // namespace tilsyn::recognition
