// Tiles on demand (manifest tile_trigger) with the project's privacy model on a real photograph:
// opencv-doc's messi5.jpg (a player in front of a crowd of small faces): tiles add boxes there; a
// trigger above every unsure score runs no tile at all, and a lower trigger runs those the whole
// frame is unsure about. (The shipped manifest runs the model in one pass; tiles are a setting.)
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fakes/test_paths.h"
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

// The plate verifier of the shipped manifest on real pixels: opencv-doc's car photograph (its
// motion-blurred plate, hand-labelled) beside the demo's no-parking sign panel, which the privacy
// model takes for a plate. The verifier may drop unsure sign boxes; the car's plate must stay.
TEST(DnnRegionDetector, ThePlateVerifierKeepsTheRealPlate) {
  const cv::Mat car = cv::imread("/usr/share/doc/opencv-doc/examples/data/licenseplate_motion.jpg");
  if (car.empty()) GTEST_SKIP() << "opencv-doc not installed";
  auto pack = LoadModelPack(FindDefaultModelPack());
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  ModelSpec spec = pack->models[0];
  ASSERT_TRUE(spec.verifier.has_value()) << "the shipped privacy model has a plate verifier";
  cv::Mat canvas(std::max(480, car.rows), 640 + car.cols, CV_8UC3, cv::Scalar(150, 160, 170));
  const cv::Rect panel(150, 90, 340, 170);
  cv::rectangle(canvas, panel, cv::Scalar(255, 255, 255), cv::FILLED);
  cv::rectangle(canvas, panel, cv::Scalar(30, 30, 30), 4);
  cv::putText(canvas, "PARKERING", {178, 160}, cv::FONT_HERSHEY_DUPLEX, 1.5, cv::Scalar(0, 0, 0),
              3);
  cv::putText(canvas, "FORBUDT", {205, 225}, cv::FONT_HERSHEY_DUPLEX, 1.5, cv::Scalar(0, 0, 0), 3);
  car.copyTo(canvas(cv::Rect(640, 0, car.cols, car.rows)));
  const cv::Rect plate = cv::Rect(261, 240, 86, 66) + cv::Point(640, 0);
  cv::Mat gray;
  const FrameView frame{canvas, gray};
  auto plates = [&](const ModelSpec& s) {
    auto d = NewDnnRegionDetector(s, 0);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    auto c = (*d)->Detect(frame);
    EXPECT_TRUE(c.ok());
    std::vector<RegionCandidate> out;
    for (const auto& x : *c) {
      if (x.cls == "plate") out.push_back(x);
    }
    return out;
  };
  ModelSpec without = spec;
  without.verifier.reset();
  const auto seen = plates(without);
  const auto verified = plates(spec);
  auto on = [](const std::vector<RegionCandidate>& c, const cv::Rect& r) {
    return std::count_if(c.begin(), c.end(), [&](const RegionCandidate& x) {
      return (x.box & r).area() > 0.3 * std::min(x.box.area(), r.area());
    });
  };
  ASSERT_GE(on(seen, plate), 1) << "the detector finds the car's plate";
  EXPECT_GE(on(verified, plate), 1) << "the verifier must not drop the real plate";
  EXPECT_LE(verified.size(), seen.size());
}

// On real sign photographs (../shared's CC0 road-sign set, no plates in it) the verifier drops
// some of the plate boxes the detector proposes. Some of these photographs were among its
// training crops: this checks that it acts; the card's test half measures how well.
TEST(DnnRegionDetector, ThePlateVerifierDropsPlateBoxesOnSignPhotographs) {
  const std::string shared = ::tilsyn::testing::SharedDir();
  const std::string dir = shared + "/datasets/traffic_signs/kaggle_road_sign_detection_cc0/images";
  if (shared.empty() || !std::filesystem::exists(dir)) GTEST_SKIP() << dir << " absent";
  auto pack = LoadModelPack(FindDefaultModelPack());
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  ModelSpec with = pack->models[0], without = pack->models[0];
  ASSERT_TRUE(with.verifier.has_value());
  without.verifier.reset();
  auto a = NewDnnRegionDetector(with, 0), b = NewDnnRegionDetector(without, 0);
  ASSERT_TRUE(a.ok() && b.ok());
  auto plates = [](const Result<std::vector<RegionCandidate>>& c) {
    return std::count_if(c->begin(), c->end(), [](const auto& x) { return x.cls == "plate"; });
  };
  long proposed = 0, kept = 0;
  for (int k = 0; k < 40; ++k) {
    const cv::Mat img = cv::imread(dir + "/road" + std::to_string(k) + ".jpg");
    if (img.empty()) continue;
    cv::Mat gray;
    const FrameView frame{img, gray};
    auto seen = (*b)->Detect(frame);
    auto verified = (*a)->Detect(frame);
    ASSERT_TRUE(seen.ok() && verified.ok());
    proposed += plates(seen);
    kept += plates(verified);
  }
  ASSERT_GT(proposed, 0) << "the detector proposes plates on sign photographs";
  EXPECT_LT(kept, proposed);
}

}  // namespace
}  // namespace tilsyn::imaging
