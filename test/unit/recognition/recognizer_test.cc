#include "recognition/recognizer.h"

#include <gtest/gtest.h>

namespace tilsyn::recognition {
namespace {

using tasks::Detection;
using tasks::Target;

RecognizeRequest Req(std::vector<Target> targets, bool count_exactly = false) {
  RecognizeRequest r;
  r.targets = std::move(targets);
  r.count_exactly = count_exactly;
  return r;
}

TEST(IsGoodEnough, ConfidentPresenceIsGood) {
  EXPECT_TRUE(IsGoodEnough({{"person", 0.8, {}}}, Req({{"person", 0.6}})));
}

TEST(IsGoodEnough, NothingNearTheThresholdIsConfidentAbsence) {
  EXPECT_TRUE(IsGoodEnough({}, Req({{"person", 0.6}})));
  EXPECT_TRUE(IsGoodEnough({{"person", 0.2, {}}}, Req({{"person", 0.6}})));
  EXPECT_TRUE(IsGoodEnough({{"car", 0.5, {}}}, Req({{"person", 0.6}})));
}

TEST(IsGoodEnough, DetectionBetweenHalfAndThresholdIsUncertain) {
  EXPECT_FALSE(IsGoodEnough({{"person", 0.4, {}}}, Req({{"person", 0.6}})));
  EXPECT_FALSE(IsGoodEnough({{"person", 0.3, {}}}, Req({{"person", 0.6}})));  // exactly half
  EXPECT_TRUE(IsGoodEnough({{"person", 0.4, {}}}, Req({{"person", 0.6}}), 0.7));
}

TEST(IsGoodEnough, EveryTargetMustBeDecided) {
  const std::vector<Target> targets = {{"person", 0.6}, {"car", 0.5}};
  EXPECT_TRUE(IsGoodEnough({{"person", 0.9, {}}}, Req(targets)));
  EXPECT_FALSE(IsGoodEnough({{"person", 0.9, {}}, {"car", 0.3, {}}}, Req(targets)));
}

TEST(IsGoodEnough, ConfidentDetectionOutweighsAnUncertainOne) {
  EXPECT_TRUE(IsGoodEnough({{"person", 0.4, {}}, {"person", 0.9, {}}}, Req({{"person", 0.6}})));
}

TEST(IsGoodEnough, CountingNeedsEveryDetectionDecided) {
  std::vector<Detection> d = {{"person", 0.4, {}}, {"person", 0.9, {}}};
  EXPECT_FALSE(IsGoodEnough(d, Req({{"person", 0.6}}, /*count_exactly=*/true)));
  EXPECT_TRUE(IsGoodEnough({{"person", 0.9, {}}, {"person", 0.1, {}}}, Req({{"person", 0.6}}, true)));
}

TEST(DataTerms, ToStringNames) {
  EXPECT_EQ(ToString(DataTerms::kLocal), "local");
  EXPECT_EQ(ToString(DataTerms::kInternal), "internal");
  EXPECT_EQ(ToString(DataTerms::kExternal), "external");
}

}  // namespace
}  // namespace tilsyn::recognition
