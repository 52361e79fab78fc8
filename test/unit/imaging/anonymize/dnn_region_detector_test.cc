// Tiles on demand (manifest tile_trigger) with the project's privacy model on a real photograph:
// opencv-doc's messi5.jpg (a player in front of a crowd of small faces): tiles add boxes there; a
// trigger above every unsure score runs no tile at all, and a lower trigger runs those the whole
// frame is unsure about. (The shipped manifest runs the model in one pass; tiles are a setting.)
#include <gtest/gtest.h>

#include <algorithm>
#include <opencv2/imgcodecs.hpp>

#include "imaging/anonymize/region_detector.h"
#include "imaging/anonymizer.h"
#include "imaging/model_pack.h"

namespace tilsyn::imaging {
namespace {

TEST(DnnRegionDetector, TilesRunOnlyWhereTheWholeFrameIsUnsure) {
  cv::Mat img = cv::imread("/usr/share/doc/opencv-doc/examples/data/messi5.jpg");
  if (img.empty()) GTEST_SKIP() << "opencv-doc not installed";
  auto pack = LoadModelPack(FindDefaultModelPack());
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  ModelSpec spec = pack->models[0];
  ASSERT_EQ(spec.name, "privacy");
  spec.input.upscale = true;  // tiles are enlarged to the input: that is what they are for
  double highest = 0;
  for (const auto& [label, t] : spec.thresholds) highest = std::max(highest, t);
  cv::Mat gray;
  const FrameView frame{img, gray};
  auto run = [&](int grid, double trigger) {
    spec.tile_grid = grid;
    spec.tile_trigger = trigger;
    auto d = NewDnnRegionDetector(spec, 0);
    EXPECT_TRUE(d.ok());
    auto c = (*d)->Detect(frame);
    EXPECT_TRUE(c.ok());
    return *c;
  };
  const auto whole = run(1, 0);               // the whole frame alone
  const auto always = run(2, 0);              // + every tile (the previous default)
  const auto on_demand = run(2, 0.12);        // tiles where a box scores 0.12 .. its threshold
  const auto none = run(2, highest - 1e-4);   // no score is unsure enough: no tile runs
  EXPECT_GT(always.size(), whole.size());     // tiles add (finer) boxes here
  EXPECT_EQ(none.size(), whole.size());       // nothing ran but the whole frame
  EXPECT_GT(on_demand.size(), whole.size());  // the unsure boxes called for tiles
  EXPECT_LE(on_demand.size(), always.size());
}

}  // namespace
}  // namespace tilsyn::imaging
