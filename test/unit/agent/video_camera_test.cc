#include "agent/camera/video_camera.h"

#include <gtest/gtest.h>

#include <opencv2/videoio.hpp>

#include "fakes/test_paths.h"

namespace tilsyn::agent {
namespace {

TEST(VideoCamera, ReturnsFramesInOrderAndLoopsAtTheEnd) {
  testing::TempDir dir;
  std::string path = dir.Sub("clip.avi");
  {
    cv::VideoWriter w(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 5, cv::Size(64, 48));
    if (!w.isOpened()) GTEST_SKIP() << "no MJPG writer in this OpenCV build";
    for (int v : {0, 120, 240}) w.write(cv::Mat(48, 64, CV_8UC3, cv::Scalar(v, v, v)));
  }
  auto cam = VideoCamera::Open(path);
  ASSERT_TRUE(cam.ok()) << cam.status().ToString();
  std::vector<double> means;
  for (int i = 0; i < 4; ++i) {
    auto frame = (*cam)->Capture(GpsFix{});
    ASSERT_TRUE(frame.ok()) << frame.status().ToString();
    means.push_back(cv::mean(frame->image)[0]);
  }
  EXPECT_NEAR(means[0], 0, 10);
  EXPECT_NEAR(means[1], 120, 10);
  EXPECT_NEAR(means[2], 240, 10);
  EXPECT_NEAR(means[3], 0, 10);  // looped
}

TEST(VideoCamera, MissingFileIsNotFound) {
  auto cam = VideoCamera::Open("/nonexistent/clip.avi");
  EXPECT_EQ(cam.status().code(), Code::kNotFound);
  EXPECT_EQ(cam.status().field(), "video");
}

}  // namespace
}  // namespace tilsyn::agent

#include "agent/camera/folder_camera.h"
#include "core/file_util.h"

namespace tilsyn::agent {
namespace {

TEST(FolderCamera, IndexRowCanNameAFrameOfAVideo) {
  testing::TempDir dir;
  std::string path = dir.Sub("clip.avi");
  {
    cv::VideoWriter w(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 5, cv::Size(64, 48));
    if (!w.isOpened()) GTEST_SKIP() << "no MJPG writer in this OpenCV build";
    for (int v : {0, 120, 240}) w.write(cv::Mat(48, 64, CV_8UC3, cv::Scalar(v, v, v)));
  }
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("index.csv"),
                              "lat,lon,file,frame\n55.0,12.0," + path + ",2\n56.0,12.0,clip.avi,1\n")
                  .ok());
  auto cam = FolderCamera::Open(dir.path());
  ASSERT_TRUE(cam.ok()) << cam.status().ToString();
  GpsFix near_first;
  near_first.pos = {55.0001, 12.0};
  auto f = (*cam)->Capture(near_first);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_NEAR(cv::mean(f->image)[0], 240, 10);
  GpsFix near_second;
  near_second.pos = {56.0001, 12.0};
  auto g = (*cam)->Capture(near_second);
  ASSERT_TRUE(g.ok());
  EXPECT_NEAR(cv::mean(g->image)[0], 120, 10);
}

TEST(FolderCamera, BadFrameColumnIsRefused) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("index.csv"), "lat,lon,file,frame\n55.0,12.0,a.avi,x\n").ok());
  auto cam = FolderCamera::Open(dir.path());
  EXPECT_EQ(cam.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tilsyn::agent
