#include "agent/camera/folder_camera.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "core/file_util.h"
#include "fakes/test_paths.h"

namespace tilsyn::agent {
namespace {

// Writes a flat-colour PNG (synthetic input fixture, no people).
void WriteSolid(const std::string& path, cv::Scalar bgr) {
  cv::Mat m(24, 32, CV_8UC3, bgr);
  std::vector<uchar> buf;
  ASSERT_TRUE(cv::imencode(".png", m, buf));
  ASSERT_TRUE(WriteFileAtomic(path, std::string(buf.begin(), buf.end())).ok());
}

TEST(FolderCamera, ReturnsTheImageNearestTheFix) {
  testing::TempDir dir;
  WriteSolid(dir.Sub("red.png"), {0, 0, 255});
  WriteSolid(dir.Sub("blue.png"), {255, 0, 0});
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("index.csv"),
                              "lat,lon,file\n55.6761,12.5683,red.png\n55.6800,12.5800,blue.png\n")
                  .ok());
  auto cam = FolderCamera::Open(dir.path());
  ASSERT_TRUE(cam.ok()) << cam.status().ToString();
  EXPECT_EQ((*cam)->size(), 2u);
  GpsFix near_blue;
  near_blue.pos = {55.6799, 12.5795};
  near_blue.time = 1'700'000'000'000;
  auto img = (*cam)->Capture(near_blue);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(img->time, near_blue.time) << "a replayed frame belongs to its fix";
  cv::Vec3b px = img->image.at<cv::Vec3b>(5, 5);
  EXPECT_EQ(px[0], 255);
  EXPECT_EQ(px[2], 0);
  GpsFix near_red;
  near_red.pos = {55.6762, 12.5684};
  img = (*cam)->Capture(near_red);
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(img->image.at<cv::Vec3b>(5, 5)[2], 255);
}

TEST(FolderCamera, MissingFolderOrIndexIsAnError) {
  testing::TempDir dir;
  EXPECT_EQ(FolderCamera::Open(dir.Sub("nope")).status().code(), Code::kNotFound);
  auto no_index = FolderCamera::Open(dir.path());
  EXPECT_EQ(no_index.status().code(), Code::kNotFound);
  EXPECT_EQ(no_index.status().field(), "camera_dir");
}

TEST(FolderCamera, BadHeaderOrRowIsInvalid) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("index.csv"), "file,lat,lon\nx.png,1,2\n").ok());
  EXPECT_EQ(FolderCamera::Open(dir.path()).status().code(), Code::kInvalidArgument);
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("index.csv"), "lat,lon,file\nabc,2,x.png\n").ok());
  EXPECT_EQ(FolderCamera::Open(dir.path()).status().code(), Code::kInvalidArgument);
}

TEST(FolderCamera, UnreadableImageIsAnErrorNotACrash) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("index.csv"), "lat,lon,file\n55,12,missing.png\n").ok());
  auto cam = FolderCamera::Open(dir.path());
  ASSERT_TRUE(cam.ok());
  EXPECT_FALSE((*cam)->Capture(GpsFix{}).ok());
}

}  // namespace
}  // namespace tilsyn::agent
