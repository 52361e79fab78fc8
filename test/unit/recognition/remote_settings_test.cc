#include <gtest/gtest.h>

#include "recognition/remote/http_json.h"
#include "recognition/remote/kserve_v2.h"
#include "recognition/remote/common.h"

namespace tilsyn::recognition {
namespace {

TEST(RemoteSettings, AMisspeltSettingIsRefusedNamingIt) {
  Json http = {{"url", "http://127.0.0.1:9/detect"}, {"labels", {"car"}}, {"timout_ms", 100}};
  auto h = NewHttpJsonRecognizer("vendor", http);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().field(), "timout_ms");
  Json ks = {{"url", "http://127.0.0.1:9"}, {"model", "m"}, {"labels", {"car"}}, {"modle", "x"}};
  auto k = NewKserveV2Recognizer("city", ks);
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().field(), "modle");
  EXPECT_EQ(NewHttpJsonRecognizer("vendor", Json::array()).status().field(), "settings");
}

}  // namespace
}  // namespace tilsyn::recognition

namespace tilsyn::recognition::remote {
namespace {

// Found by fuzz_http_json: a service answering a coordinate of 2.8e9 (or NaN) made the
// conversion to a pixel box undefined behaviour. Such a box is unreadable now.
TEST(ReadBox, CoordinatesBeyondAnyImageAreUnreadable) {
  EXPECT_TRUE(ReadBox(Json::array({1, 2, 30, 40}), "xywh", 640, 480).has_value());
  EXPECT_FALSE(ReadBox(Json::array({1, 2, 2.77778e9, 40}), "xywh", 640, 480).has_value());
  EXPECT_FALSE(ReadBox(Json::array({-3e9, 2, 30, 40}), "xyxy", 640, 480).has_value());
  EXPECT_FALSE(ReadBox(Json::array({0.1, 0.2, 1e12, 0.9}), "xyxy-normalized", 640, 480).has_value());
}

}  // namespace
}  // namespace tilsyn::recognition::remote
