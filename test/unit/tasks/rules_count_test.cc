// Count tasks: the range rule and, with the image width known, the split by street side.
#include <gtest/gtest.h>

#include "tasks/rules.h"

namespace tilsyn::tasks {
namespace {

Detection Car(int x, int w, double score = 0.9, int h = 60) {
  Detection d;
  d.label = "vehicle";
  d.score = score;
  d.box = {x, 200, w, h};
  return d;
}

Task CountTask() {
  Task t;
  t.kind = TaskKind::kCount;
  t.targets = {{"vehicle", 0.5}};
  t.rule.min_count = 0;
  t.rule.max_count = 2;
  t.rule.min_box_height_px = 40;
  return t;
}

TEST(RulesCount, CountedBoxesAreSplitByStreetSideAtTheImageCentre) {
  AssessContext ctx;
  ctx.image_width = 1000;
  // Centres at 100 and 450 (left), 700 (right); a weak box and a short (distant) box do not count.
  const std::vector<Detection> dets = {Car(50, 100), Car(400, 100), Car(650, 100),
                                       Car(100, 50, 0.3), Car(800, 50, 0.9, 20)};
  AssessmentResult r = Assess(CountTask(), dets, true, ctx);
  EXPECT_EQ(r.counts["vehicle"], 3);
  EXPECT_EQ(r.outcome, Outcome::kFinding) << "3 is above the range 0..2";
  ASSERT_TRUE(r.left && r.right);
  EXPECT_EQ(*r.left, 2);
  EXPECT_EQ(*r.right, 1);
  EXPECT_NE(r.reason.find("left 2, right 1"), std::string::npos) << r.reason;
  // A box whose centre is exactly at the middle is on the right.
  r = Assess(CountTask(), {Car(450, 100)}, true, ctx);
  EXPECT_EQ(*r.left, 0);
  EXPECT_EQ(*r.right, 1);
}

TEST(RulesCount, WithoutTheImageWidthThereIsNoSplit) {
  AssessmentResult r = Assess(CountTask(), {Car(50, 100)}, true);
  EXPECT_EQ(r.outcome, Outcome::kOk);
  EXPECT_FALSE(r.left.has_value());
  EXPECT_EQ(r.reason.find("left"), std::string::npos);
}

TEST(RulesCount, UnsureDetectionsLeaveACountAboveTheMaximumAFinding) {
  // The service was unsure of some boxes (not good enough): they could only raise the count.
  AssessmentResult r = Assess(CountTask(), {Car(50, 100), Car(300, 100), Car(600, 100)}, false);
  EXPECT_EQ(r.outcome, Outcome::kFinding) << r.reason;
  EXPECT_EQ(r.counts["vehicle"], 3);
  // Within the range they could change the verdict: inconclusive.
  r = Assess(CountTask(), {Car(50, 100), Car(300, 100)}, false);
  EXPECT_EQ(r.outcome, Outcome::kInconclusive) << r.reason;
  // Without a maximum there is nothing to be above.
  Task no_max = CountTask();
  no_max.rule.max_count.reset();
  r = Assess(no_max, {Car(50, 100), Car(300, 100), Car(600, 100)}, false);
  EXPECT_EQ(r.outcome, Outcome::kInconclusive) << r.reason;
}

}  // namespace
}  // namespace tilsyn::tasks
