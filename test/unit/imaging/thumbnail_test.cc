#include "imaging/thumbnail.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "imaging/jpeg.h"

namespace tilsyn::imaging {
namespace {

std::string TestJpeg(int w, int h) {
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(40, 90, 160));
  cv::rectangle(img, cv::Rect(0, 0, w / 2, h), cv::Scalar(250, 250, 250), cv::FILLED);
  auto jpeg = EncodeJpeg(img);
  EXPECT_TRUE(jpeg.ok());
  return *jpeg;
}

TEST(Thumbnail, ScalesToTheWidthKeepingTheAspectAndThePixels) {
  auto small = Thumbnail(TestJpeg(1920, 1080), 160);
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  auto img = DecodeJpeg(*small);
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(img->cols, 160);
  EXPECT_EQ(img->rows, 90);
  // The left half stays light and the right half keeps its colour.
  const cv::Vec3b left = img->at<cv::Vec3b>(45, 20);
  const cv::Vec3b right = img->at<cv::Vec3b>(45, 140);
  EXPECT_GT(left[0], 230);
  EXPECT_NEAR(right[2], 160, 8);
  EXPECT_NEAR(right[0], 40, 8);
}

TEST(Thumbnail, ANarrowImageKeepsItsSize) {
  auto same = Thumbnail(TestJpeg(100, 60), 160);
  ASSERT_TRUE(same.ok());
  auto img = DecodeJpeg(*same);
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(img->cols, 100);
  EXPECT_EQ(img->rows, 60);
}

TEST(Thumbnail, RefusesBadInputNamingTheField) {
  EXPECT_EQ(Thumbnail(TestJpeg(100, 60), 8).status().field(), "width");
  auto bad = Thumbnail("not a jpeg", 160);
  EXPECT_EQ(bad.status().code(), Code::kUnsupportedMedia);
  EXPECT_EQ(bad.status().field(), "image");
}

}  // namespace
}  // namespace tilsyn::imaging
