#include <gtest/gtest.h>

#include "recognition/remote/http_json.h"
#include "recognition/remote/kserve_v2.h"

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
