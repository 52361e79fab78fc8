#include "imaging/nms.h"

#include <gtest/gtest.h>

namespace tilsyn::imaging {
namespace {

TEST(SuppressOverlaps, KeepsTheBestOfOverlappingBoxesOfTheSameLabelOnly) {
  std::vector<tasks::Detection> d = {{"face", 0.6, {0, 0, 10, 10}},
                                     {"face", 0.9, {1, 1, 10, 10}},
                                     {"plate", 0.5, {0, 0, 10, 10}},
                                     {"face", 0.4, {50, 50, 10, 10}}};
  const auto kept = SuppressOverlaps(d, {.iou = 0.45});
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_DOUBLE_EQ(kept[0].score, 0.9);
  EXPECT_EQ(kept[1].label, "plate");
  EXPECT_DOUBLE_EQ(kept[2].score, 0.4);
}

// The street model on opencv-doc's licenseplate_motion.jpg: one car as two boxes, the whole car
// and its left part (IoU 0.38, 61 % of the smaller box inside the larger).
TEST(SuppressOverlaps, ContainmentMergesACarSeenTwice) {
  const std::vector<tasks::Detection> d = {{"vehicle", 0.65, {155, 8, 434, 474}},
                                           {"vehicle", 0.64, {0, 46, 399, 421}}};
  EXPECT_EQ(SuppressOverlaps(d, {.iou = 0.45}).size(), 2u);
  EXPECT_EQ(SuppressOverlaps(d, {.iou = 0.45, .containment = 0.6}).size(), 1u);
  // Two cars side by side that touch stay two.
  const std::vector<tasks::Detection> two = {{"vehicle", 0.9, {0, 0, 100, 60}},
                                             {"vehicle", 0.8, {90, 0, 100, 60}}};
  EXPECT_EQ(SuppressOverlaps(two, {.iou = 0.45, .containment = 0.6}).size(), 2u);
}

}  // namespace
}  // namespace tilsyn::imaging
